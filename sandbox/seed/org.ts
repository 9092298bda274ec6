/** Departments and partner organisations of the generated tenants. */

export interface Department {
  readonly name: string;
  readonly weight: number;
  readonly titles: readonly string[];
}

export const DEPARTMENTS: readonly Department[] = [
  {
    name: 'Sales',
    weight: 14,
    titles: [
      'Account Executive',
      'Sales Manager',
      'Inside Sales Representative',
      'Regional Sales Director',
      'Sales Operations Analyst',
    ],
  },
  {
    name: 'Marketing',
    weight: 7,
    titles: [
      'Marketing Manager',
      'Content Strategist',
      'Product Marketing Manager',
      'Digital Marketing Specialist',
      'Brand Designer',
    ],
  },
  {
    name: 'Finance',
    weight: 6,
    titles: [
      'Financial Analyst',
      'Accountant',
      'Controller',
      'Accounts Payable Specialist',
      'Finance Director',
    ],
  },
  {
    name: 'Human Resources',
    weight: 4,
    titles: [
      'HR Business Partner',
      'Recruiter',
      'Talent Acquisition Specialist',
      'HR Generalist',
      'Payroll Specialist',
    ],
  },
  {
    name: 'IT',
    weight: 6,
    titles: [
      'Systems Administrator',
      'Service Desk Analyst',
      'Cloud Engineer',
      'IT Manager',
      'Security Analyst',
      'Identity & Access Administrator',
    ],
  },
  {
    name: 'Engineering',
    weight: 18,
    titles: [
      'Software Engineer',
      'Senior Software Engineer',
      'Principal Engineer',
      'Engineering Manager',
      'QA Engineer',
      'Site Reliability Engineer',
    ],
  },
  {
    name: 'Research & Development',
    weight: 6,
    titles: ['Research Scientist', 'Lab Technician', 'R&D Manager', 'Data Scientist'],
  },
  {
    name: 'Customer Support',
    weight: 12,
    titles: [
      'Support Engineer',
      'Customer Success Manager',
      'Support Team Lead',
      'Technical Account Manager',
    ],
  },
  {
    name: 'Legal',
    weight: 2,
    titles: ['Legal Counsel', 'Paralegal', 'Compliance Officer', 'Privacy Officer'],
  },
  {
    name: 'Operations',
    weight: 10,
    titles: [
      'Operations Manager',
      'Logistics Coordinator',
      'Facilities Manager',
      'Supply Chain Analyst',
      'Warehouse Associate',
    ],
  },
  { name: 'Procurement', weight: 3, titles: ['Buyer', 'Procurement Specialist', 'Category Manager'] },
  {
    name: 'Product Management',
    weight: 5,
    titles: ['Product Manager', 'Senior Product Manager', 'Product Owner', 'UX Researcher', 'UX Designer'],
  },
];

/** Organisations whose people are invited as guests; consumer domains have no company name. */
export const GUEST_ORGANISATIONS: readonly { domain: string; company: string | null }[] = [
  { domain: 'fabrikam.com', company: 'Fabrikam, Inc.' },
  { domain: 'northwindtraders.com', company: 'Northwind Traders' },
  { domain: 'adatum.com', company: 'A. Datum Corporation' },
  { domain: 'litwareinc.com', company: 'Litware, Inc.' },
  { domain: 'tailspintoys.com', company: 'Tailspin Toys' },
  { domain: 'woodgrovebank.com', company: 'Woodgrove Bank' },
  { domain: 'gmail.com', company: null },
  { domain: 'outlook.com', company: null },
];

/** "contoso.com" → "Contoso": the brand used in companyName. */
export function brandFromDomain(domain: string): string {
  const label = domain.split('.')[0] ?? domain;
  return label.charAt(0).toUpperCase() + label.slice(1);
}
