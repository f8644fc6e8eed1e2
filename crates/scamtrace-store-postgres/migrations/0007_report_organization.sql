-- The organization whose data a report is (the partner or agency that submitted or imported it),
-- so an operation's page can say whose reports it was pieced together from. NULL: filed by the
-- victim.
ALTER TABLE reports ADD COLUMN organization TEXT;
