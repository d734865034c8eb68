-- A user of its own for fscai on Virtuoso 7.2, for the digest-authenticated endpoints
-- (store URL: sparql+http://HOST:8890?query=/sparql-auth&update=/sparql-auth&gsp=/sparql-graph-crud-auth;
-- then FSCAI_STORE_USER=fscai and FSCAI_STORE_PASSWORD_FILE=FILE). Run as dba after setup.sql, with
-- CHANGE-ME replaced by the password:  isql-vt HOST:1111 dba PASSWORD < user.sql
-- Not dba: dba reads Virtuoso's private graphs, so GRAPH ?g would list them.
DB.DBA.USER_CREATE ('fscai', 'CHANGE-ME');
grant SPARQL_UPDATE to "fscai";
-- nothing in the private graphs (Virtuoso's own), read and write elsewhere
DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('fscai', 0, 1);
DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('fscai', 7, 0);
