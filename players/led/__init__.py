"""The LED player: Chinese text on dot-matrix signs, moved by a monotonic clock.

Text is rendered once per item into a strip (:mod:`players.led.strips`); a frame is a window slid
over the strips (:mod:`players.led.compose`); an output puts frames (or whole strips) on a sign
(:mod:`players.led.outputs`).
"""
