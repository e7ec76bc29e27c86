"""The contracts register as an Excel workbook, in the reader's language. A cell a person typed
(a title, a party's name) is never run as a formula: a leading = + - @ is quoted away."""

import io

from django.utils.translation import gettext as _

from parkos.core.imports import spreadsheet_safe


def contracts_xlsx(contracts) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Technology contracts"))
    sheet.append(
        [
            _("Registration number"),
            _("Title"),
            _("Contract type"),
            _("Field"),
            _("Contract amount (CNY)"),
            _("Technology transaction amount (CNY)"),
            _("IP type"),
            _("Seller"),
            _("Seller's region"),
            _("Buyer"),
            _("Buyer's region"),
            _("Branch"),
            _("Signed on"),
        ]
    )
    for c in contracts:
        sheet.append(
            [
                spreadsheet_safe(c.number),
                spreadsheet_safe(c.title),
                str(c.get_contract_type_display()),
                str(c.get_field_display()),
                c.amount,
                c.technology_amount,
                str(c.get_ip_type_display()),
                spreadsheet_safe(c.seller.name),
                spreadsheet_safe(c.seller_region),
                spreadsheet_safe(c.buyer.name),
                spreadsheet_safe(c.buyer_region),
                spreadsheet_safe(c.branch.name),
                c.signed_on,
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
