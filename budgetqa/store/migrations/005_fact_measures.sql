-- Facts carry their measure (预算数 / 年初预算数 / 调整预算数 / 决算数 / 上年执行数 / 增减额 / 增减率 / 执行率 …) and
-- blank cells of printed data rows are stored as blank facts. Documents record the extraction version they
-- were read with, so that a new extractor re-reads unchanged files.
ALTER TABLE facts ADD COLUMN measure TEXT;
ALTER TABLE facts ADD COLUMN blank INTEGER NOT NULL DEFAULT 0;
ALTER TABLE documents ADD COLUMN extraction_version INTEGER NOT NULL DEFAULT 0;
CREATE INDEX facts_measure ON facts(measure);
ALTER TABLE documents ADD COLUMN aliases TEXT NOT NULL DEFAULT '[]';  -- names the document declares for its organisation (加挂…牌子, 简称)
