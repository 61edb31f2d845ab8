"""Every permission of accreditation that code checks, as "app_label.codename" strings.

The custom ones are declared in the models' Meta; pages, the API, the gate and the admin import
these names so that a renamed permission is changed in one place.
"""

#: Accreditation officers: the review queue and its decisions.
REVIEW = "accreditation.review_accreditation"
#: Security officers: the vetting queue, clear or refuse.
VET = "accreditation.vet_accreditation"
#: Protocol: print queue, batches, reprints and revocations.
PRINT = "accreditation.print_badge"
#: Protocol at the desk: hand a badge over against the passport.
HAND_OVER = "accreditation.hand_over_badge"
#: Gate accounts and protocol officers: scan badges at a gate.
CHECK_IN = "accreditation.check_in"
#: Read the scan log (Django's default view permission of Scan).
VIEW_SCAN = "accreditation.view_scan"
#: Read badges (Django's default view permission of Badge).
VIEW_BADGE = "accreditation.view_badge"
#: Protocol officers at a gate: undo the gate's last scan (audited).
UNDO_SCAN = "accreditation.undo_scan"
