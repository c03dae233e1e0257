/**
 * Resource URNs as the Pulumi engine forms them (the URN pins, `npm run pin`, and their test use them). The one
 * implementation is src/plan/urns.ts, which the render and `npm run plan` share; this module keeps the harness's
 * name for it.
 */
export { engineIdentities, qualifiedType, urnOf } from "../src/plan/urns";
