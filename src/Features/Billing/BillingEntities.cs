namespace TokenConsole.Features.Billing;

/// <summary>
/// Recognized fee revenue per Beijing day, customer and package, in micro-yuan: the day's share of recurring fees and
/// of top-up packs (spread evenly over the days they cover), and credit notes on the day they were approved. The
/// customer's region and industry are copied in, as they were that day. Usage charges stay in the usage rollups.
/// </summary>
public class RevenueDaily
{
    public DateTime Day { get; set; }
    public int CustomerId { get; set; }
    /// <summary>0 for a credit note, which belongs to the customer, not to a package.</summary>
    public int PackageId { get; set; }
    public required string RegionCode { get; set; }
    public required string IndustryCode { get; set; }
    public long FeeMicros { get; set; }
    public long TopUpMicros { get; set; }
    public long CreditMicros { get; set; }
}

/// <summary>How far a background job has got (e.g. the last Beijing day whose fees are recognized), moved in the job's own transaction.</summary>
public class JobWatermark
{
    public required string Job { get; set; }
    public DateTime Through { get; set; }
}

public enum BillLineKind { Fee, TopUp, Usage, LateUsage, Credit }

/// <summary>
/// One customer's bill for one Beijing calendar month: immutable once issued. Prices are tax-inclusive: the total
/// (价税合计) is the exact sum of the lines, each rounded to the fen once; the VAT (税额) is taken out of it and the
/// net amount (金额) is what remains.
/// </summary>
public class Bill
{
    public long Id { get; set; }
    /// <summary>e.g. TC-202611-C00042: unique, and readable on the phone.</summary>
    public required string BillNo { get; set; }
    public int CustomerId { get; set; }
    /// <summary>The month billed, as yyyyMM (Beijing calendar).</summary>
    public int Period { get; set; }
    public DateTimeOffset IssuedAt { get; set; }
    public long NetFen { get; set; }
    public long TaxFen { get; set; }
    public long TotalFen { get; set; }
    /// <summary>The VAT rate applied, e.g. 0.06.</summary>
    public decimal VatRate { get; set; }
    public List<BillLine> Lines { get; set; } = [];
}

public class BillLine
{
    public long Id { get; set; }
    public long BillId { get; set; }
    public int Number { get; set; }
    public BillLineKind Kind { get; set; }
    public int? PackageId { get; set; }
    public int? ModelId { get; set; }
    public long? CreditNoteId { get; set; }
    /// <summary>For usage: the month the usage happened (yyyyMM); a late line names an earlier month.</summary>
    public int? UsageMonth { get; set; }
    /// <summary>Days charged (fees), packs (top-ups) or billable tokens (usage).</summary>
    public decimal Quantity { get; set; }
    /// <summary>Fees: the period fee; usage: the price per million billable tokens after price rules (amount ÷ quantity).</summary>
    public decimal UnitPrice { get; set; }
    /// <summary>Usage: the exact amount in micro-yuan before rounding, so a late line bills only what was not billed.</summary>
    public long AmountMicros { get; set; }
    public long AmountFen { get; set; }
    /// <summary>Usage: what the price rules changed, in micro-yuan (amount − amount at the overage price), and which rule sets priced it.</summary>
    public long RulesEffectMicros { get; set; }
    /// <summary>Credit notes: the reason. Usage lines of bills issued before rule effects were recorded: the rule-set versions ("v3, v4").</summary>
    public string? Detail { get; set; }
    /// <summary>Usage: the price rules that changed it, each with its effect; their fen add up to the line's rules effect in fen.</summary>
    public List<BillLineRuleEffect> RuleEffects { get; set; } = [];
}

/// <summary>
/// One price rule's effect on a usage line, as issued (the rule's name is copied: a bill never changes, a rule set may be
/// replaced). <see cref="EffectFen"/> is <see cref="EffectMicros"/> apportioned by largest remainder over the line's rules,
/// so that they add up exactly to the line's <see cref="BillLine.RulesEffectMicros"/> rounded to the fen.
/// </summary>
public class BillLineRuleEffect
{
    public long Id { get; set; }
    public long BillLineId { get; set; }
    public int RuleSetVersion { get; set; }
    public int RuleOrdinal { get; set; }
    public required string RuleName { get; set; }
    public long EffectMicros { get; set; }
    public long EffectFen { get; set; }
    /// <summary>Billable tokens the rule priced.</summary>
    public decimal Tokens { get; set; }
}

public enum CreditNoteStatus { PendingApproval, Approved, Rejected, Applied }

/// <summary>
/// A credit to a customer against an issued bill, proposed by an account manager. Above the approval threshold an
/// executive who did not propose it approves it; at or below, it is approved when proposed. Approved, it is revenue
/// taken back on the day of approval and a line of the customer's next bill.
/// </summary>
public class CreditNote
{
    public long Id { get; set; }
    public int CustomerId { get; set; }
    public long BillId { get; set; }
    public long AmountFen { get; set; }
    public required string Reason { get; set; }
    public CreditNoteStatus Status { get; set; }
    public required string ProposedById { get; set; }
    public required string ProposedByName { get; set; }
    public DateTimeOffset ProposedAt { get; set; }
    public string? DecidedById { get; set; }
    public string? DecidedByName { get; set; }
    public DateTimeOffset? DecidedAt { get; set; }
    public string? DecisionComment { get; set; }
    public long? AppliedOnBillId { get; set; }
    public uint Version { get; set; }
}

/// <summary>One run of the bill run for a month: who started it, how far it got; a killed run is resumed.</summary>
public class BillRun
{
    public long Id { get; set; }
    public int Period { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    public required string StartedById { get; set; }
    public required string StartedByName { get; set; }
    public int Customers { get; set; }
    public int BillsIssued { get; set; }
}
