"""SQLAlchemy tables. Import from here: ``from app.model import Contract``."""

from app.model.base import Base, Entity, new_id, utcnow
from app.model.clause import Clause, ContractClause
from app.model.contract import Amendment, Contract, Lot
from app.model.cotation import Assessment, AssessmentLever, Committee, CommitteeDecision, CommitteeMember
from app.model.imports import ImportBatch
from app.model.insertion import InsertionHours
from app.model.order import GroupedOrder, GroupedOrderItem, GroupingPlan, Order
from app.model.organisation import DeliverySite, Department, Organisation, PurchaseFamily, Supplier
from app.model.settings import AuditEntry, EmissionFactor, Setting
from app.model.sharing import PurchasingGroup, PurchasingGroupMember
from app.model.sync import MergeBase, Presence, Tombstone

__all__ = [
    "Amendment",
    "Assessment",
    "AssessmentLever",
    "AuditEntry",
    "Base",
    "Clause",
    "Committee",
    "CommitteeDecision",
    "CommitteeMember",
    "Contract",
    "ContractClause",
    "DeliverySite",
    "Department",
    "EmissionFactor",
    "Entity",
    "GroupedOrder",
    "GroupedOrderItem",
    "GroupingPlan",
    "ImportBatch",
    "InsertionHours",
    "Lot",
    "MergeBase",
    "Order",
    "Organisation",
    "Presence",
    "PurchaseFamily",
    "PurchasingGroup",
    "PurchasingGroupMember",
    "Setting",
    "Supplier",
    "Tombstone",
    "new_id",
    "utcnow",
]
