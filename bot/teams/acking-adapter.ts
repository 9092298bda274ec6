import {
  ActivityTypes,
  CloudAdapter,
  DeliveryModes,
  type Activity,
  type ConfigurationBotFrameworkAuthentication,
  type InvokeResponse,
  type TurnContext,
} from 'botbuilder';
import type { Logger } from 'pino';
import type { AfterAckQueue } from '../http/after-ack.js';

type TurnLogic = (context: TurnContext) => Promise<void>;
/** botframework-connector's AuthenticateRequestResult (that package is botbuilder's, not ours to import). */
type Authenticated = Awaited<ReturnType<ConfigurationBotFrameworkAuthentication['authenticateRequest']>>;

/**
 * Whether the HTTP request is answered before the turn runs: a message needs only its delivery acknowledged
 * (its replies go to the Bot Connector, not into the HTTP answer), as real Teams expects. Invokes (card
 * clicks) answer in the body, and so do `expectReplies` deliveries, so their turn runs first.
 */
export function answeredBeforeTurn(activity: Partial<Activity>): boolean {
  return activity.type === ActivityTypes.Message && activity.deliveryMode !== DeliveryModes.ExpectReplies;
}

/**
 * botbuilder's CloudAdapter, except that a message activity is answered (200, no body — what CloudAdapter
 * answers for a message) as soon as it is authenticated: its turn — the Bot Connector client, the bot's logic,
 * the replies — waits its turn in `afterAck` and runs after the answer went out. CloudAdapter.process keeps
 * doing everything else: method and body checks, and the 401 for an unauthenticated request, which is decided
 * before anything is answered. Everything but messages runs exactly as in CloudAdapter.
 */
export class AckingCloudAdapter extends CloudAdapter {
  constructor(
    private readonly authentication: ConfigurationBotFrameworkAuthentication,
    private readonly afterAck: AfterAckQueue,
    private readonly logger: Logger,
  ) {
    super(authentication);
  }

  protected override async processActivity(
    authorization: string | Authenticated,
    activity: Activity,
    logic: TurnLogic,
  ): Promise<InvokeResponse | undefined> {
    if (typeof authorization !== 'string') return super.processActivity(authorization, activity, logic);
    if (!answeredBeforeTurn(activity)) return super.processActivity(authorization, activity, logic);
    // Throws botbuilder's AuthenticationError (CloudAdapter.process answers 401) before anything is answered.
    const authenticated = await this.authentication.authenticateRequest(activity, authorization);
    this.afterAck
      .run(() => super.processActivity(authenticated, activity, logic))
      .catch((error: unknown) => {
        // The turn's own errors went to onTurnError; this is botbuilder failing to set the turn up.
        this.logger.error({ err: error, activityId: activity.id }, 'a Teams message could not be processed');
      });
    return undefined;
  }
}
