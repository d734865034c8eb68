-- What a Virtuoso 7.2 database needs once before fscai uses it as its store (README "Beyond one
-- machine"). Run as dba:  isql-vt HOST:1111 dba PASSWORD < deploy/virtuoso/setup.sql
-- The tests run this very file against the Virtuoso they start (tests/virtuoso_server.py).

-- 1. STRLANG with a BCP 47 tag. Virtuoso 7.2 accepts only "xx", "xx-XX" and "x-..." tags in
--    STRLANG, so STRLANG(?s, "zh-Hant") (the applicability and tier rules build their zh-Hant
--    explanations with it) fails with "22007 Error Function rdf_strlang_impl needs a valid language
--    ID". This redefines the function with the same body and a check shaped like BCP 47
--    (\044 is "$": isql reads a bare dollar as a macro).
create function DB.DBA.rdf_strlang_impl (in str varchar, in lang any)
{
  declare t integer;
  lang := cast (lang as varchar);
  if ((lang is null) or (regexp_match ('^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*\044', lang) is null))
    signal ('22007', 'Function rdf_strlang_impl needs a valid language ID as its second argument');
  if (is_rdf_box (str))
    str := rdf_box_data (str, 1);
  t := __tag (str);
  if (__tag of nvarchar = t)
    str := charset_recode (str, '_WIDE_', 'UTF-8');
  else if (__tag of varchar <> t)
    {
      if (str is null)
        signal ('22007', 'Function rdf_strlang_impl needs a bound value as its first argument, not a NULL');
      str := cast (str as varchar);
    }
  return rdf_box (str, 257, DB.DBA.RDF_TWOBYTE_OF_LANGUAGE (lang), 0, 1);
}
;
grant execute on DB.DBA.rdf_strlang_impl to public;

-- 2. Virtuoso's own graphs (virtrdf#, ldp#, the service description, /DAV/) made private, so
--    that GRAPH ?g and the union default graph show fscai's graphs only (a user then reads the
--    private group only if granted it: deploy/virtuoso/user.sql grants nothing there).
DB.DBA.RDF_GRAPH_GROUP_CREATE ('http://www.openlinksw.com/schemas/virtrdf#PrivateGraphs', 1);
create procedure DB.DBA.FSCAI_HIDE_SYSTEM_GRAPHS ()
{
  declare graphs any;
  graphs := (select vector_agg (id_to_iri (G)) from (select distinct G from DB.DBA.RDF_QUAD) x);
  foreach (varchar g in graphs) do
    DB.DBA.RDF_GRAPH_GROUP_INS ('http://www.openlinksw.com/schemas/virtrdf#PrivateGraphs', g);
}
;
DB.DBA.FSCAI_HIDE_SYSTEM_GRAPHS ();
DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 0, 1);
DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 7, 0);
