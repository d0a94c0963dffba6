"""Every action id, callback id and block id Response puts in Slack, in one place."""

# Headline post buttons (the values match HeadlinePost's constants, as the original named them).
CREATE_COMMS_CHANNEL = "create-comms-channel-button"
EDIT_INCIDENT = "edit-incident-button"
CLOSE_INCIDENT = "close-incident-button"
OPEN_INCIDENT_PAGE = "open-incident-page"

# Buttons elsewhere.
CHANGE_SUMMARY = "change-summary-button"
CHANGE_IMPACT = "change-impact-button"
DECLARE_FROM_HOME = "declare-incident-home-button"
TAKE_LEAD = "take-lead-button"
SET_SEVERITY_SELECT = "set-severity-select"
POST_UPDATE = "post-update-button"
SUBSCRIBE = "subscribe-button"  # on the headline post: toggles
UNSUBSCRIBE = "unsubscribe-button"  # in a subscriber's DM
DECLARE_FROM_MESSAGE = "declare-from-message-button"  # offered after the declare reaction
ASSIGN_ROLES = "assign-roles-button"
SET_SERVICES = "set-services-button"  # on the headline post, when the catalog has services

# Modals.
DECLARE_MODAL = "declare-incident-modal"
EDIT_MODAL = "edit-incident-modal"
FIELD_MODAL = "edit-field-modal"
UPDATE_MODAL = "post-update-modal"
ROLES_MODAL = "assign-roles-modal"
SERVICES_MODAL = "affected-services-modal"

# Shortcuts.
DECLARE_SHORTCUT = "declare-incident"
ADD_TO_TIMELINE_SHORTCUT = "add-to-timeline"
DECLARE_FROM_MESSAGE_SHORTCUT = "declare-incident-from-message"

# Input blocks: block id and action id are the same string.
TITLE = "title"
SUMMARY = "summary"
IMPACT = "impact"
SEVERITY = "severity"
LEAD = "lead"
OPTIONS = "options"
SERVICES = "services"  # the affected services, in the declare and services modals
STATUS = "status"
UPDATE_TEXT = "update_text"
NEXT_UPDATE = "next_update"
FIELD_VALUE = "field_value"
ROLE_BLOCK_PREFIX = "role:"  # + the role's slug, one block per role in the roles modal

# Incident types (response.slack.blocks.types): the type select, which updates the modal when
# chosen, and one block per field of the chosen type ("field:<type>:<key>"). The options
# block is "options-private" when the type is private by default, so that Slack shows it
# ticked instead of keeping the unticked box of the type chosen before.
TYPE = "incident_type"
FIELD_BLOCK_PREFIX = "field:"
OPTIONS_PRIVATE = "options-private"

OPTION_PRIVATE = "private"
OPTION_REPORT_ONLY = "report_only"

# Key times (response.slack.inbound.times): the modal, the button that opens it, its inputs
# (block id and action id: the incident's field, e.g. "mitigated_at").
KEY_TIMES_MODAL = "key-times-modal"
EDIT_KEY_TIMES = "edit-key-times-button"
