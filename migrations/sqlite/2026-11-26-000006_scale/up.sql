-- Scale: every view × sort × order of the chats page and every column of
-- the Dialog list is an index range scan, and the tab counts under one
-- filter are read from counters, not counted.

-- The names the lists sort by, kept on the dialog. A sort through a join
-- (clients, channels, operators) cannot walk an index of `dialogs` in order,
-- so the database would sort every matching row for each page. Kept by the
-- store whenever the source changes (a client's name from a connector, a
-- channel or operator renamed, a dialog finished).
ALTER TABLE dialogs ADD COLUMN client_name TEXT NOT NULL DEFAULT '';
ALTER TABLE dialogs ADD COLUMN client_phone_digits TEXT NOT NULL DEFAULT '';
ALTER TABLE dialogs ADD COLUMN channel_name TEXT NOT NULL DEFAULT '';
-- '' when nobody (a step) finished it: sorts first ascending, as before.
ALTER TABLE dialogs ADD COLUMN finished_by_name TEXT NOT NULL DEFAULT '';

UPDATE dialogs SET
    client_name = (SELECT name FROM clients WHERE clients.id = dialogs.client_id),
    client_phone_digits = (SELECT phone_digits FROM clients WHERE clients.id = dialogs.client_id),
    channel_name = (SELECT name FROM channels WHERE channels.id = dialogs.channel_id),
    finished_by_name = COALESCE((SELECT name FROM operators WHERE operators.id = dialogs.finished_by), '');

-- Chats page, one index per sort key for the All tab and one led by status
-- for the status tabs (a status tab fixes the first column, the sort walks
-- the rest). Both directions use the same index, walked backwards for desc.
-- Sort by last message: dialogs_recent and dialogs_status_recent (init).
-- Sort by status is a sort by (status, last message): dialogs_status_recent.
CREATE INDEX dialogs_created ON dialogs (created_at, id);
CREATE INDEX dialogs_status_created ON dialogs (status, created_at, id);
CREATE INDEX dialogs_message_count ON dialogs (message_count, id);
CREATE INDEX dialogs_status_message_count ON dialogs (status, message_count, id);
CREATE INDEX dialogs_client_name ON dialogs (client_name, id);
CREATE INDEX dialogs_status_client_name ON dialogs (status, client_name, id);

-- Filters of the chats page under the default sort, with and without a tab:
-- a manager's or a channel's dialogs, newest first, without reading the
-- others. (Other sorts under a filter walk the sort's index and skip what
-- the filter drops, or read the filter's rows and sort them: the planner
-- picks by the filter's share of dialogs.)
DROP INDEX dialogs_assignee;
DROP INDEX dialogs_channel;
DROP INDEX dialogs_step;
CREATE INDEX dialogs_assignee ON dialogs (assignee_id, last_message_at, id);
CREATE INDEX dialogs_status_assignee ON dialogs (assignee_id, status, last_message_at, id);
CREATE INDEX dialogs_channel ON dialogs (channel_id, last_message_at, id);
CREATE INDEX dialogs_status_channel ON dialogs (channel_id, status, last_message_at, id);
CREATE INDEX dialogs_flow ON dialogs (flow_id, last_message_at, id);
CREATE INDEX dialogs_step ON dialogs (step_id, last_message_at, id);

-- Dialog list (finished dialogs only, hence partial): one index per column.
-- By finish time: dialogs_finished (init).
CREATE INDEX records_client ON dialogs (client_name, id) WHERE finished_at IS NOT NULL;
CREATE INDEX records_number ON dialogs (client_phone_digits, id) WHERE finished_at IS NOT NULL;
CREATE INDEX records_channel ON dialogs (channel_name, id) WHERE finished_at IS NOT NULL;
CREATE INDEX records_finished_by ON dialogs (finished_by_name, id) WHERE finished_at IS NOT NULL;
CREATE INDEX records_message_count ON dialogs (message_count, id) WHERE finished_at IS NOT NULL;
-- Its filters by finisher and by channel under the default sort (finish
-- time); the first also finds the dialogs to update when an operator is
-- renamed.
CREATE INDEX records_by_finisher ON dialogs (finished_by, finished_at, id) WHERE finished_at IS NOT NULL;
CREATE INDEX records_by_channel ON dialogs (channel_id, finished_at, id) WHERE finished_at IS NOT NULL;

-- Tab counts under one filter: how many dialogs of each status a manager,
-- a channel, a flow, a step or a tag has, kept in the same transaction as
-- every change of those (like `status_counters` for the unfiltered tabs).
CREATE TABLE facet_counters (
    facet TEXT NOT NULL CHECK (facet IN ('assignee', 'channel', 'flow', 'step', 'tag')),
    facet_id BIGINT NOT NULL,
    status TEXT NOT NULL,
    count BIGINT NOT NULL,
    PRIMARY KEY (facet, facet_id, status)
) WITHOUT ROWID;
INSERT INTO facet_counters (facet, facet_id, status, count)
    SELECT 'assignee', assignee_id, status, COUNT(*) FROM dialogs
        WHERE assignee_id IS NOT NULL GROUP BY assignee_id, status
    UNION ALL
    SELECT 'channel', channel_id, status, COUNT(*) FROM dialogs GROUP BY channel_id, status
    UNION ALL
    SELECT 'flow', flow_id, status, COUNT(*) FROM dialogs
        WHERE flow_id IS NOT NULL GROUP BY flow_id, status
    UNION ALL
    SELECT 'step', step_id, status, COUNT(*) FROM dialogs
        WHERE step_id IS NOT NULL GROUP BY step_id, status
    UNION ALL
    SELECT 'tag', dialog_tags.tag_id, dialogs.status, COUNT(*)
        FROM dialog_tags JOIN dialogs ON dialogs.id = dialog_tags.dialog_id
        GROUP BY dialog_tags.tag_id, dialogs.status;
