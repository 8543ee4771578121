"""The web column (网上公开专栏): the publishable catalogue as a static, accessible site, written
incrementally and atomically (the pages every QR code points to). See docs/SITE.md.

May import: signage.text, signage.catalogue, signage.contract (crash-safe files), signage.publishing
(the publish gate and the wire-shaped records the screens get) and signage.diagrams (flowcharts).
Never players.
"""
