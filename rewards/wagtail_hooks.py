"""The staff side in Wagtail: each department's staff manage their department's rewards and earning rules
(administrators all of them), and read the budget report per department and month.

Being in a department's staff or approvers group is what makes someone its staff (city.permissions),
so the rewards' permission policy asks that, not Django's per-model permissions: a new department's staff
can manage its rewards without anyone granting model permissions by hand.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import register_permission_policy

from city.models import Department, Service
from city.permissions import departments_for_staff

from . import selectors
from .models import EarningRule, Reward


class DepartmentStaffPolicy(BasePermissionPolicy):
    """Staff of a department may view, add and change the model's rows of their department; nobody deletes
    them from the admin (a reward with vouchers is history: deactivate it instead)."""

    ACTIONS = {"add", "change", "view"}

    def _is_staff(self, user) -> bool:
        return user.is_active and (user.is_superuser or departments_for_staff(user=user).exists())

    def user_has_permission(self, user, action):
        return action in self.ACTIONS and self._is_staff(user)

    def users_with_any_permission(self, actions):
        if not self.ACTIONS & set(actions):
            return get_user_model().objects.none()
        return (
            get_user_model()
            .objects.filter(is_active=True)
            .filter(
                Q(is_superuser=True)
                | Q(groups__department__isnull=False)
                | Q(groups__approving_department__isnull=False)
            )
            .distinct()
        )

    def user_has_permission_for_instance(self, user, action, instance):
        if not self.user_has_permission(user, action):
            return False
        if user.is_superuser:
            return True
        return (
            instance.department_id is not None
            and departments_for_staff(user=user).filter(pk=instance.department_id).exists()
        )

    def instances_user_has_any_permission_for(self, user, actions):
        if not self.user_has_any_permission(user, actions):
            return self.model._default_manager.none()
        if user.is_superuser:
            return self.model._default_manager.all()
        return self.model._default_manager.filter(department__in=departments_for_staff(user=user))


for scoped_model in (Reward, EarningRule):
    register_permission_policy(scoped_model, DepartmentStaffPolicy(scoped_model))


class DepartmentScopedForm(WagtailAdminModelForm):
    """Offers only the editor's departments (and their services); a department is required of anyone but
    an administrator."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        if user is None or user.is_superuser:
            return
        departments = departments_for_staff(user=user)
        if "department" in self.fields:
            self.fields["department"].queryset = Department.objects.filter(pk__in=departments)
            self.fields["department"].required = True
        if "service" in self.fields:
            self.fields["service"].queryset = Service.objects.filter(department__in=departments)


class ScopedQuerysetMixin:
    def get_queryset(self):
        return DepartmentStaffPolicy(self.model).instances_user_has_any_permission_for(
            self.request.user, ["change", "view"]
        )


class ScopedIndexView(generic.IndexView):
    def get_base_queryset(self):
        return (
            DepartmentStaffPolicy(self.model)
            .instances_user_has_any_permission_for(self.request.user, ["change", "view"])
            .select_related("department")
        )


class ScopedEditView(ScopedQuerysetMixin, generic.EditView):
    pass


class RewardForm(DepartmentScopedForm):
    class Meta:
        model = Reward
        fields = "__all__"


class RewardViewSet(ModelViewSet):
    model = Reward
    icon = "tag"
    menu_label = _("Reward catalogue")
    name = "rewards_reward"
    list_display = ["name_fa", "department", "points_price", "monthly_budget", "is_active"]
    list_filter = ["department", "is_active"]
    search_fields = ["name_fa", "name_en"]
    index_view_class = ScopedIndexView
    edit_view_class = ScopedEditView
    edit_handler = ObjectList(
        [
            FieldPanel("department"),
            FieldPanel("name_fa"),
            FieldPanel("name_en"),
            FieldPanel("description_fa"),
            FieldPanel("description_en"),
            FieldPanel("terms_fa"),
            FieldPanel("terms_en"),
            MultiFieldPanel(
                [FieldPanel("points_price"), FieldPanel("value_rials"), FieldPanel("min_level_points")],
                heading=_("Price"),
            ),
            MultiFieldPanel(
                [
                    FieldRowPanel([FieldPanel("budget_kind"), FieldPanel("monthly_budget")]),
                    FieldRowPanel([FieldPanel("per_person_limit"), FieldPanel("per_person_period")]),
                ],
                heading=_("Budget and limits"),
            ),
            MultiFieldPanel(
                [
                    FieldRowPanel([FieldPanel("available_from"), FieldPanel("available_until")]),
                    FieldPanel("voucher_valid_days"),
                ],
                heading=_("Validity"),
            ),
            FieldPanel("is_active"),
            FieldPanel("sort_order"),
        ],
        base_form_class=RewardForm,
    )


class EarningRuleForm(DepartmentScopedForm):
    class Meta:
        model = EarningRule
        fields = "__all__"


class EarningRuleViewSet(ModelViewSet):
    model = EarningRule
    icon = "pick"
    menu_label = _("Earning rules")
    name = "rewards_earning_rule"
    list_display = ["name", "kind", "department", "service", "points", "is_active"]
    list_filter = ["kind", "department", "is_active"]
    index_view_class = ScopedIndexView
    edit_view_class = ScopedEditView
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("name"), FieldPanel("name_en")]),
            FieldPanel("kind"),
            FieldRowPanel([FieldPanel("department"), FieldPanel("service")]),
            FieldPanel("points"),
            FieldPanel("streak_weeks"),
            FieldPanel("districts"),
            FieldPanel("districts_follow_equity"),
            FieldPanel("is_active"),
        ],
        base_form_class=EarningRuleForm,
    )


class BudgetReportView(WagtailAdminTemplateMixin, TemplateView):
    """Per department and Jalali month: points credited for its work, vouchers issued from its rewards'
    budgets and how many were used, and their value. Staff see their own departments."""

    template_name = "rewards/admin/budget_report.html"
    page_title = _("Points and vouchers budget")
    header_icon = "table"

    def dispatch(self, request, *args, **kwargs):
        if not departments_for_staff(user=request.user).exists():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = selectors.budget_report(departments=departments_for_staff(user=self.request.user))
        context["rows"] = rows
        return context


class BudgetMenuItem(MenuItem):
    def is_shown(self, request):
        return departments_for_staff(user=request.user).exists()


class RewardsViewSetGroup(ViewSetGroup):
    items = (RewardViewSet, EarningRuleViewSet)
    menu_icon = "tag"
    menu_label = _("Points and rewards")
    menu_name = "rewards"
    menu_order = 260


@hooks.register("register_admin_viewset")
def register_rewards_viewsets():
    return RewardsViewSetGroup()


@hooks.register("register_admin_urls")
def register_budget_report_url():
    return [path("rewards/budget/", BudgetReportView.as_view(), name="rewards_budget_report")]


@hooks.register("register_admin_menu_item")
def register_budget_report_menu_item():
    return BudgetMenuItem(
        _("Rewards budget"),
        reverse("rewards_budget_report"),
        icon_name="table",
        name="rewards-budget",
        order=261,
    )


@hooks.register("register_admin_menu_item")
def register_counter_menu_item():
    # The counter is a page of the public site, made for a counter's screen; staff reach it from here.
    return BudgetMenuItem(
        _("Voucher counter"), reverse("rewards:counter"), icon_name="tick", name="voucher-counter", order=262
    )
