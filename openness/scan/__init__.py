"""The whole-Hub scan: every card of a card dump scored with the same pure assessment as
`score`, without asking the Hub anything.

Stages, as everywhere in openness: `dump` turns a dump row into a ModelSnapshot (what the
dump cannot show is marked unseen, never guessed); `batch` scores rows with the pure middle
(`openness.assess`), its lineage over the scanned rows included; `rows` makes one flat
output row per model; `output` reads and writes parquet, JSONL and CSV; `local` and
`ray_engine` run the same batch function on one machine or on a Ray cluster.
"""
