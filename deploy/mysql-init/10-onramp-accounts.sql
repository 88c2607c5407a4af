-- Local MySQL (docker-compose.yml), run once when the data volume is new. The image made `onramp` from
-- MYSQL_USER with every right on the database; the services need rows only. `onramp migrate` runs as
-- onramp_migrate, the one account that may change the schema. The README gives the same GRANTs.
REVOKE ALL PRIVILEGES ON `onramp`.* FROM 'onramp'@'%';
GRANT SELECT, INSERT, UPDATE, DELETE ON `onramp`.* TO 'onramp'@'%';
CREATE USER 'onramp_migrate'@'%' IDENTIFIED BY 'onramp-migrate-local';
GRANT ALL PRIVILEGES ON `onramp`.* TO 'onramp_migrate'@'%';
