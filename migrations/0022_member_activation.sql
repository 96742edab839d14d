-- Member self-service activation (issue 14, src/auth/activation.ts) asks whether a participant
-- already has a live member account before it creates one. app_user will hold one row per
-- activated member, millions in time: the question must be an index probe, not a scan.
CREATE INDEX app_user_participant_idx ON app_user (participant_id) WHERE participant_id IS NOT NULL;
