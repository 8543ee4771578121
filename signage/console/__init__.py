"""The staff web console: units edit and import, reviewers sign off 保密审查, the office publishes
and watches the fleet — in a browser, as a Django project with one app per concern.

May import text, catalogue, contract, publishing, fleet, office (it writes content through the
same model and rules ``signage check`` uses) and requests (the 依申请公开 register); only the CLI
imports it. The catalogue never imports
it: a review the console seals is verified by ``signage.catalogue.reviewseal`` alone.
"""
