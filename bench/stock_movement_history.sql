-- The SKU history query (StockListRepository.movements with a location) with the old
-- index on (sku_id, location_id) and the new one on (sku_id, location_id, id), on 2,000,000
-- movements. Run: psql postgresql://postgres@127.0.0.1:5432/postgres -f bench/stock_movement_history.sql
-- (creates and drops the database sy_movbench).
DROP DATABASE IF EXISTS sy_movbench;
CREATE DATABASE sy_movbench;
\c sy_movbench
CREATE TABLE stock_movements (id varchar(40) PRIMARY KEY, sku_id varchar(40) NOT NULL, location_id varchar(40) NOT NULL, kind varchar(24) NOT NULL, quantity int NOT NULL, occurred_at timestamptz NOT NULL);
-- 2,000,000 movements; the hot SKU's 2,000 at loc_rare are among the oldest
INSERT INTO stock_movements
SELECT 'mov_' || lpad(g::text, 12, '0'),
       CASE WHEN g % 5 = 0 THEN 'sku_hot' ELSE 'sku_' || (g % 5000) END,
       CASE WHEN g % 5 = 0 AND g % 100 = 0 AND g < 200000 THEN 'loc_rare' ELSE 'loc_' || (g % 10) END,
       'adjustment', 1, now()
FROM generate_series(1, 2000000) g;
ANALYZE stock_movements;
CREATE INDEX ix_old ON stock_movements (sku_id, location_id);
ANALYZE stock_movements;
\timing on
EXPLAIN (ANALYZE, BUFFERS) SELECT * FROM stock_movements WHERE sku_id='sku_hot' AND location_id='loc_rare' ORDER BY id DESC LIMIT 51;
DROP INDEX ix_old;
CREATE INDEX ix_new ON stock_movements (sku_id, location_id, id);
ANALYZE stock_movements;
EXPLAIN (ANALYZE, BUFFERS) SELECT * FROM stock_movements WHERE sku_id='sku_hot' AND location_id='loc_rare' ORDER BY id DESC LIMIT 51;
\c postgres
DROP DATABASE sy_movbench;
