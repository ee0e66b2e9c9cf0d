CREATE TABLE announced_papers (
    announced TEXT NOT NULL,
    paper_id TEXT NOT NULL REFERENCES papers(id),
    position INTEGER NOT NULL,
    kind TEXT,
    PRIMARY KEY (announced, paper_id)
);
CREATE INDEX announced_papers_order ON announced_papers (announced, position);
CREATE TABLE announced_categories (
    announced TEXT NOT NULL,
    category TEXT NOT NULL,
    saved_at TEXT NOT NULL,
    PRIMARY KEY (announced, category)
);
INSERT OR IGNORE INTO announced_papers (announced, paper_id, position, kind)
    SELECT announced, paper_id, row_number() OVER (
        PARTITION BY announced ORDER BY categories_key, position),
        CASE WHEN announce_type IN ('replace', 'replace-cross') THEN 'replace'
             WHEN announce_type IN ('new', 'cross') THEN 'new' END
    FROM listing_papers;
WITH RECURSIVE split(announced, saved_at, category, rest) AS (
    SELECT announced, saved_at, '', categories_key || '+' FROM listings
    UNION ALL
    SELECT announced, saved_at, substr(rest, 1, instr(rest, '+') - 1),
           substr(rest, instr(rest, '+') + 1)
    FROM split WHERE rest != ''
)
INSERT OR IGNORE INTO announced_categories (announced, category, saved_at)
    SELECT announced, category, saved_at FROM split WHERE category != '';
DROP TABLE listing_papers;
DROP TABLE listings
