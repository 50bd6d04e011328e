from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel, Field

from switchyard.api.fields import Money, PatchModel, RequestModel, SmallCount, Version
from switchyard.catalog.domain import MAX_BATCH

SkuCode = Field(
    min_length=1,
    max_length=100,
    pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$",
    description="unique, case-sensitive; letters, digits, '_', '.', '-'; cannot change later",
)


class ProductCreate(RequestModel):
    name: str = Field(min_length=1, max_length=300)
    description: str = Field(default="", max_length=20_000)


class ProductUpdate(PatchModel):
    name: str | None = Field(default=None, min_length=1, max_length=300)
    description: str | None = Field(default=None, max_length=20_000)
    version: Version | None = Field(default=None, description="alternative to If-Match")


class ProductRead(BaseModel):
    id: str
    name: str
    description: str
    version: int
    created_at: datetime
    updated_at: datetime


class PriceIn(RequestModel):
    channel: str = Field(min_length=1, max_length=64, description="channel id or code")
    currency: str = Field(min_length=3, max_length=3, description="ISO 4217, e.g. EUR")
    amount: Money = Field(description='a decimal string such as "19.99"')


class PricesUpdate(RequestModel):
    prices: list[PriceIn] = Field(max_length=1000, description="replaces every price of the SKU")


class PriceRead(BaseModel):
    channel_id: str
    channel_code: str
    currency: str
    amount: Decimal


class SkuPrices(BaseModel):
    sku_id: str
    sku: str
    prices: list[PriceRead]


class SkuCreate(RequestModel):
    sku: str = SkuCode
    product_id: str | None = Field(default=None, description="an existing product")
    product_name: str | None = Field(
        default=None,
        min_length=1,
        max_length=300,
        description="create a new product with this name instead (SKUs of one batch "
        "that give the same product_name share one new product)",
    )
    name: str | None = Field(
        default=None, min_length=1, max_length=300, description="default: the product's name"
    )
    barcode: str | None = Field(default=None, max_length=64, description="GTIN, EAN, UPC, ...")
    weight_grams: SmallCount | None = None
    length_mm: SmallCount | None = None
    width_mm: SmallCount | None = None
    height_mm: SmallCount | None = None
    active: bool = True
    prices: list[PriceIn] = Field(default_factory=list, max_length=1000)


class SkuUpdate(PatchModel):
    clearable = frozenset({"barcode", "weight_grams", "length_mm", "width_mm", "height_mm"})

    product_id: str | None = None
    name: str | None = Field(default=None, min_length=1, max_length=300)
    barcode: str | None = Field(default=None, max_length=64)
    weight_grams: SmallCount | None = None
    length_mm: SmallCount | None = None
    width_mm: SmallCount | None = None
    height_mm: SmallCount | None = None
    active: bool | None = None
    version: Version | None = Field(default=None, description="alternative to If-Match")


class ComponentIn(RequestModel):
    sku: str = Field(min_length=1, max_length=100, description="component SKU id or code")
    quantity: int = Field(default=1, ge=1, le=10_000)


class ComponentsUpdate(RequestModel):
    components: list[ComponentIn] = Field(
        max_length=200, description="replaces the kit's components; empty: no longer a kit"
    )
    version: Version | None = Field(default=None, description="alternative to If-Match")


class ComponentRead(BaseModel):
    sku_id: str
    sku: str
    quantity: int


class SkuRead(BaseModel):
    id: str
    sku: str
    product_id: str
    name: str
    barcode: str | None
    weight_grams: int | None
    length_mm: int | None
    width_mm: int | None
    height_mm: int | None
    is_kit: bool
    components: list[ComponentRead] = Field(description="what one kit unit holds")
    active: bool
    version: int
    created_at: datetime
    updated_at: datetime


class SkuBatchCreate(RequestModel):
    items: list[SkuCreate] = Field(min_length=1, max_length=MAX_BATCH)


class SkuBatchRead(BaseModel):
    items: list[SkuRead]
