"""`openness stats`: the state of openness across a whole scan, in numbers and pictures.

The stages, as for one model: `read` streams the rows of a scan file (the only I/O),
`summary` folds them into a frozen `Summary` (pure), and `text`, `figures` and `page` turn
that into a plain-text summary, matplotlib figures and one self-contained HTML page.
"""
