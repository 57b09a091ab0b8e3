ALTER TABLE messages DROP COLUMN delivery_reason;
ALTER TABLE messages DROP COLUMN delivery_updated_at;
ALTER TABLE messages DROP COLUMN delivery_status;
DROP TABLE webhook_attempts;
DROP TABLE webhook_deliveries;
DROP TABLE webhook_events;
DROP TABLE webhooks;
