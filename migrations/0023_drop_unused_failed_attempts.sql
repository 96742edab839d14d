-- app_user.failed_attempts has been unused since migration 0012 moved lock-out counting to
-- auth_failure per (account, address): a counter nobody reads only misleads the next reader (it
-- stayed 0 while accounts were locked). Its column grant to jamsos_app goes with it.
ALTER TABLE app_user DROP COLUMN failed_attempts;
