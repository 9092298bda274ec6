/**
 * Name tables for the generated tenants: varied cultures, with apostrophes (O'Brien, D'Angelo), particles
 * with spaces (van Dijk, de la Cruz) and non-ASCII letters (José, Müller, Søren, Zoë, Łukasz) so that the
 * product's transliteration, OData escaping and matching meet realistic input. Latin script only.
 */

export interface NameCulture {
  readonly id: string;
  /** Relative share of the workforce. */
  readonly weight: number;
  /** Transliterate ä/ö/ü as ae/oe/ue (German convention). */
  readonly germanUmlauts: boolean;
  readonly givenNames: readonly string[];
  readonly surnames: readonly string[];
}

const list = (text: string): readonly string[] => text.split(',').map((name) => name.trim());

const culture = (
  id: string,
  weight: number,
  givenNames: string,
  surnames: string,
  germanUmlauts = false,
): NameCulture => ({
  id,
  weight,
  germanUmlauts,
  givenNames: list(givenNames),
  surnames: list(surnames),
});

export const NAME_CULTURES: readonly NameCulture[] = [
  culture(
    'english-irish',
    22,
    'James, Mary, Liam, Siobhan, Aoife, Patrick, Emily, Michael, Sarah, Conor, Niamh, Sean, Grace, Ciarán, Róisín, ' +
      'Olivia, Jack, Charlotte, Thomas, Hannah, Daniel, Chloe, Oliver, Megan, William, Zoë, Ethan, Abigail, Noah, Ava',
    "O'Brien, O'Connor, O'Sullivan, O'Neill, Murphy, Kelly, Walsh, Smith, Johnson, Williams, Brown, Taylor, Wilson, " +
      'Davies, Evans, Thompson, McCarthy, Byrne, Ryan, Clarke, Fitzgerald, Harris, Robinson, Wright, Hughes, Carter',
  ),
  culture(
    'italian',
    6,
    'Giulia, Marco, Alessandro, Francesca, Chiara, Luca, Matteo, Sofia, Giorgio, Niccolò, Elena, Davide, Martina, Andrea',
    "D'Angelo, D'Amico, D'Alessandro, Rossi, Russo, Ferrari, Esposito, Bianchi, Romano, Colombo, Ricci, Marino, " +
      'Greco, De Luca, Conti, Lombardi',
  ),
  culture(
    'spanish',
    8,
    'José, María, Sofía, Alejandro, Lucía, Javier, Carmen, Andrés, Inés, Raúl, Pablo, Valentina, Diego, Camila, Jesús',
    'García, Fernández, López, Martínez, Sánchez, Pérez, Gómez, Núñez, Ibáñez, Muñoz, de la Cruz, Rodríguez, ' +
      'Hernández, Jiménez, Álvarez, Castillo',
  ),
  culture(
    'german',
    8,
    'Lukas, Anna, Jörg, Katrin, Stefan, Sabine, Günther, Jürgen, Lena, Felix, Maximilian, Sophie, Mia, Jonas, Björn',
    'Müller, Schmidt, Schneider, Fischer, Weber, Meyer, Wagner, Becker, Schäfer, Köhler, Groß, Hoffmann, Schröder, ' +
      'Krüger, Wolf, Neumann',
    true,
  ),
  culture(
    'nordic',
    5,
    'Søren, Mette, Lars, Ingrid, Astrid, Bjørn, Freja, Mads, Sigrid, Åsa, Linnéa, Henrik, Karin, Magnus',
    'Berg, Jensen, Nielsen, Hansen, Andersson, Johansson, Lindqvist, Sørensen, Østergaard, Ødegaard, Åberg, Holm, ' +
      'Lindström, Dahl',
  ),
  culture(
    'central-european',
    5,
    'Łukasz, Agnieszka, Paweł, Małgorzata, Krzysztof, Zofia, Jakub, Tomáš, Kateřina, Wojciech, Zoltán, Ádám, Petra',
    'Kowalski, Nowak, Wiśniewski, Wójcik, Lewandowski, Zieliński, Dvořák, Novák, Szymański, Nagy, Kovács, Szabó, Tóth',
  ),
  culture(
    'french',
    5,
    'Élodie, Chloé, François, Hélène, Jérôme, Mathilde, Loïc, Amélie, Théo, Camille, Noémie, Gaël, Margaux',
    "Dubois, Lefèvre, Moreau, Laurent, Girard, Rousseau, Bonnet, D'Arcy, Lemaître, Faure, Bérenger, Mercier, Fontaine",
  ),
  culture(
    'portuguese',
    4,
    'João, Conceição, Gonçalo, Beatriz, Thiago, Luíza, Rafael, Mariana, Fernanda, Vitória, Caio',
    'Silva, Santos, Oliveira, Gonçalves, Araújo, Magalhães, Simões, Costa, Ribeiro, Carvalho, Sousa',
  ),
  culture(
    'dutch',
    3,
    'Sander, Femke, Joris, Anouk, Daan, Lotte, Bram, Sanne, Thijs, Eline',
    'de Vries, van Dijk, Bakker, Jansen, van den Berg, Visser, Smit, de Jong, Mulder, van Leeuwen',
  ),
  culture(
    'indian',
    9,
    'Priya, Arjun, Ananya, Rohan, Deepika, Vikram, Aditi, Rahul, Sanjay, Kavya, Aarav, Ishaan, Meera, Neha, Karthik',
    'Sharma, Patel, Iyer, Reddy, Gupta, Nair, Menon, Singh, Krishnan, Chatterjee, Banerjee, Rao, Desai, Joshi',
  ),
  culture(
    'chinese',
    6,
    'Wei, Xiaoming, Jing, Hao, Mei, Yan, Jun, Li Na, Yifan, Xin, Zihan, Lei',
    'Wang, Li, Zhang, Liu, Chen, Yang, Huang, Zhao, Wu, Zhou, Xu, Sun',
  ),
  culture(
    'japanese-korean',
    4,
    'Haruto, Yui, Sōta, Aoi, Ren, Sakura, Kenji, Yuki, Min-jun, Seo-yeon, Ji-ho, Ha-eun, Jae-won',
    'Satō, Suzuki, Takahashi, Tanaka, Watanabe, Itō, Yamamoto, Nakamura, Kim, Lee, Park, Choi, Jung, Kang',
  ),
  culture(
    'vietnamese',
    2,
    'Anh, Minh, Thảo, Dũng, Linh, Huy, Trang, Phương',
    'Nguyễn, Trần, Lê, Phạm, Hoàng, Võ, Đặng, Bùi',
  ),
  culture(
    'arabic-turkish',
    5,
    'Ahmed, Fatima, Omar, Layla, Youssef, Amira, Karim, Nour, Emre, Ayşe, Mehmet, Zeynep, Çağla, Barış',
    'Al-Sayed, Haddad, Khalil, Mansour, Nasser, El-Amin, Saleh, Yılmaz, Kaya, Demir, Şahin, Çelik, Öztürk, Aydın',
  ),
  culture(
    'greek',
    2,
    'Giorgos, Eleni, Dimitris, Katerina, Nikos, Sofia, Yannis',
    'Papadopoulos, Nikolaidis, Georgiou, Pappas, Oikonomou, Karagiannis',
  ),
  culture(
    'african',
    4,
    'Chinedu, Ngozi, Kwame, Ama, Oluwaseun, Wanjiru, Tendai, Thabo, Amara, Kofi, Zanele',
    'Okafor, Adeyemi, Mensah, Boateng, Okonkwo, Mwangi, Ndlovu, Owusu, Nkosi, Achieng',
  ),
];
