-- Run once by the postgres image on an empty data volume
-- (/docker-entrypoint-initdb.d). One database per service: a service never
-- reads another's tables. `python -m deploy.migrate` also creates any that is
-- missing, so this only saves it the work on a fresh container.
CREATE DATABASE alliance_membership;
CREATE DATABASE alliance_courses;
CREATE DATABASE alliance_support;
CREATE DATABASE alliance_notifications;
