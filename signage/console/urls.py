"""Every URL of the console; each view checks role and unit itself (see security.py)."""

from __future__ import annotations

from pathlib import Path

from django.urls import path, re_path
from django.views.static import serve

from signage.console.accounts import views as accounts
from signage.console.editing import recordviews
from signage.console.editing import views as editing
from signage.console.office import assessment_views, board_views, coverage_views
from signage.console.office import views as office
from signage.console.rectification import views as rectification
from signage.console.register import views as register
from signage.console.review import views as review

STATIC = Path(__file__).parent / "static" / "console"

urlpatterns = [
    path("", editing.home, name="home"),
    path("login", accounts.login_view, name="login"),
    path("login/code", accounts.code_view, name="login-code"),
    path("logout", accounts.logout_view, name="logout"),
    path("unit/<str:unit_id>/", editing.unit_page, name="unit"),
    path("unit/<str:unit_id>/power/<str:key>/", editing.power_form, name="power"),
    path("unit/<str:unit_id>/power/<str:key>/check", editing.power_check, name="power-check"),
    path("unit/<str:unit_id>/notice/<str:key>/", recordviews.record_form, {"section": "notices"},
         name="notice"),
    path("unit/<str:unit_id>/notice/<str:key>/check", recordviews.record_check, {"section": "notices"},
         name="notice-check"),
    path("unit/<str:unit_id>/announcement/<str:key>/", recordviews.record_form, {"section": "announcements"},
         name="announcement"),
    path("unit/<str:unit_id>/announcement/<str:key>/check", recordviews.record_check,
         {"section": "announcements"}, name="announcement-check"),
    path("unit/<str:unit_id>/files/<path:name>", recordviews.unit_file, name="unit-file"),
    path("unit/<str:unit_id>/<str:section>/<str:key>/submit", editing.submit, name="submit"),
    path("unit/<str:unit_id>/import", editing.import_page, name="import"),
    path("template.xlsx", editing.template_download, name="template"),
    path("review/", review.queue, name="review-queue"),
    path("review/<int:pk>/", review.detail, name="review-detail"),
    path("review/<int:pk>/approve", review.approve, name="review-approve"),
    path("review/<int:pk>/return", review.return_, name="review-return"),
    path("office/", office.dashboard, name="dashboard"),
    path("office/coverage/<str:unit_id>/", coverage_views.unit_coverage, name="coverage"),
    path("office/assessments", assessment_views.index, name="assessments"),
    path("office/assessments/run", assessment_views.run, name="assessment-run"),
    path("office/assessments/status", assessment_views.status, name="assessment-status"),
    path("office/assessments/<str:stem>/<str:name>", assessment_views.report, name="assessment-report"),
    path("office/assessments/<str:stem>/notices/<str:name>", assessment_views.notice,
         name="assessment-notice"),
    path("office/boards", board_views.index, name="boards"),
    path("office/boards/<str:screen>/print", board_views.send_to_print, name="board-print"),
    path("boards/<str:screen>/<str:unit_id>.pdf", board_views.pdf, name="board-pdf"),
    path("office/publish", office.publish, name="publish"),
    path("office/fleet", office.fleet, name="fleet"),
    path("office/fleet/stream", office.fleet_stream, name="fleet-stream"),
    path("office/fleet/<str:screen>/screenshot", office.screenshot, name="screenshot"),
    path("office/fleet/<str:screen>/screenshot.png", office.screenshot_image, name="screenshot-image"),
    path("office/audit", office.audit_log, name="audit"),
    path("office/audit.csv", office.audit_csv, name="audit-csv"),
    path("office/rectifications", rectification.index, name="rectifications"),
    path("office/rectifications/issue", rectification.issue, name="rectification-issue"),
    path("rectification/<int:pk>/", rectification.detail, name="rectification"),
    path("rectification/<int:pk>.pdf", rectification.pdf, name="rectification-pdf"),
    path("rectification/<int:pk>/recheck", rectification.recheck, name="rectification-recheck"),
    path("rectification/<int:pk>/close", rectification.close, name="rectification-close"),
    path("requests/", register.register_list, name="register"),
    path("requests/new", register.register_new, name="register-new"),
    path("requests/<int:pk>/", register.register_detail, name="register-detail"),
    path("requests/<int:pk>/answer", register.register_answer, name="register-answer"),
    path("requests/<int:pk>/extend", register.register_extend, name="register-extend"),
    path("requests/<int:pk>/supplement/<str:action>", register.register_supplement,
         name="register-supplement"),
    path("requests/<int:pk>/edit", register.register_edit, name="register-edit"),
    path("requests/<int:pk>/void", register.register_void, name="register-void"),
    path("requests/<int:pk>/delete", register.register_delete, name="register-delete"),
    path("requests/cases", register.cases, name="register-cases"),
    path("requests/annual", register.annual, name="register-annual"),
    path("requests/annual/<int:year>/<str:name>", register.annual_file, name="register-annual-file"),
    # three files of our own (style, live check, fleet); never the data folder
    re_path(r"^static/(?P<path>[a-z]+\.(?:css|js))$", serve, {"document_root": STATIC}),
]
