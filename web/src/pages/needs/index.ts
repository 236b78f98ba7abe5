// The committee's needs: list, post and edit (with a map to place them), and
// one need's matches, invitations, linkage plan, attendance and feedback.
export { NeedsPage } from './list';
export { NeedFormPage } from './form';
export { NeedPage } from './need';
export { CheckinCodePage } from './checkin-code';
