-- throttle_table (pam_mysql_net(8), README "Brute force"): failed-login counters that several
-- mail servers behind one database share. Create it in the users' database, grant the module's
-- database user what it needs on it (only on it), and set throttle_table=pam_throttle
-- (throttle.table = pam_throttle in the config file) on every server.
--   mariadb postfix < /usr/share/doc/pam-mysql-net/examples/pam_throttle.sql
CREATE TABLE pam_throttle (
  throttle_key VARBINARY(512) NOT NULL PRIMARY KEY,
  failures INT NOT NULL,
  threshold INT NOT NULL,
  window_start BIGINT NOT NULL,
  last_failure BIGINT NOT NULL,
  KEY (last_failure)
) ENGINE=InnoDB;

GRANT SELECT, INSERT, UPDATE, DELETE ON pam_throttle TO 'postfix'@'localhost';

-- The module deletes a row when a login from its address (or for its name) succeeds, and never
-- otherwise: rows of addresses that stopped trying stay. Prune them now and then, e.g. daily
-- (needs event_scheduler=ON), or from cron with the same DELETE:
-- CREATE EVENT pam_throttle_prune ON SCHEDULE EVERY 1 DAY DO
--   DELETE FROM pam_throttle WHERE last_failure < (UNIX_TIMESTAMP() - 86400) * 1000;
