from django.urls import path

from parkos.marketplace.views import catalogue, orders, vouchers

app_name = "marketplace"

urlpatterns = [
    path("", catalogue.home, name="home"),
    path("products/new/", catalogue.product_new, name="product_new"),
    path("products/<uuid:product_id>/", catalogue.product_detail, name="product_detail"),
    path("products/<uuid:product_id>/submit/", catalogue.product_submit, name="product_submit"),
    path("products/<uuid:product_id>/enquire/", orders.enquiry_create, name="enquire"),
    path("products/<uuid:product_id>/order/", orders.order_direct, name="order_direct"),
    path("products/<uuid:product_id>/review/", catalogue.product_review, name="product_review"),
    path("providers/apply/", catalogue.provider_apply, name="provider_apply"),
    path("providers/<uuid:provider_id>/", catalogue.provider_detail, name="provider_detail"),
    path("ranking/", catalogue.ranking, name="ranking"),
    path("review/", catalogue.review_queue, name="review_queue"),
    path("orders/", orders.order_list, name="order_list"),
    path("orders/<uuid:order_id>/", orders.order_detail, name="order_detail"),
    path("orders/<uuid:order_id>/<slug:action>/", orders.order_action, name="order_action"),
    path("dashboard/", orders.provider_dashboard, name="dashboard"),
    path("vouchers/", vouchers.voucher_home, name="vouchers"),
    path("vouchers/apply/", vouchers.voucher_apply, name="voucher_apply"),
    path("vouchers/claims/", vouchers.claims_decide, name="claims_decide"),
    path("vouchers/clawbacks/", vouchers.clawbacks_settle, name="clawbacks_settle"),
]
