"""Closed vocabularies that say how sure a figure is, or why it is missing."""
from enum import StrEnum


class Basis(StrEnum):
    """How a figure was obtained. A figure that is None always carries a basis saying why."""

    STATED = "stated"              # the text states it
    APPROXIMATE = "approximate"    # the text states it with "approximately" / "about"
    BY_REFERENCE = "by_reference"  # "on the same terms as": taken from the tranche it refers to
    COMPUTED = "computed"          # computed from stated figures (a date plus a stated term)
    FORMULA = "formula"            # set later by a formula the text describes; no figure yet
    UNDISCLOSED = "undisclosed"    # the text says it exists but gives no figure
    NOT_STATED = "not_stated"      # the text says nothing about it


class QuantityBasis(StrEnum):
    """How the number of shares under a warrant is known (the issue's fixed/formula/undisclosed)."""

    FIXED = "fixed"
    FORMULA = "formula"
    UNDISCLOSED = "undisclosed"


class WarrantKind(StrEnum):
    INVESTOR = "investor"          # sold to the buyers with the shares
    CLOSING = "closing"            # called "Closing Warrants" by the filing
    ADJUSTABLE = "adjustable"      # quantity set later by a price formula
    PRE_FUNDED = "pre_funded"      # nominal exercise price, sold in place of shares
    FINDER = "finder"              # given as a finder's fee
    PLACEMENT_AGENT = "placement_agent"  # given to a placement agent or underwriter


class FeeRole(StrEnum):
    FINDER = "finder"
    PLACEMENT_AGENT = "placement_agent"
    UNDERWRITER = "underwriter"
    ADVISOR = "advisor"
    OTHER = "other"


class RightKind(StrEnum):
    """Rights that are not securities yet."""

    OPTION_TO_SELL = "option_to_sell"      # the issuer may sell more securities later
    ISSUER_REDEMPTION = "issuer_redemption"  # the issuer may redeem / call
    INVESTOR_OPTION = "investor_option"    # the buyers may buy more (over-allotment, green shoe)


class ConsiderationKind(StrEnum):
    """What was given for shares issued: an issuance that is not for cash changes the cap table
    too, but raises no money. NOT_STATED when the text does not say (never assumed to be cash)."""

    CASH = "cash"                  # sold for money
    ACQUISITION = "acquisition"    # consideration for a company or assets acquired
    EXCHANGE = "exchange"          # for debt or other securities given up (an exchange, a recapitalisation)
    SERVICES = "services"          # for services rendered
    CONVERSION = "conversion"      # received on converting or exercising another security without cash
    OTHER = "other"                # stated, and none of the above (a settlement, a licence)
    NOT_STATED = "not_stated"      # the text does not say what was given

    @property
    def is_cash(self) -> bool | None:
        """True for cash, False for a stated non-cash kind, None when not stated."""
        return None if self is ConsiderationKind.NOT_STATED else self is ConsiderationKind.CASH
