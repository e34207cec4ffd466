namespace TokenConsole.Features.Pricing;

public enum RuleSetStatus { Active, Superseded, RolledBack }

/// <summary>An immutable version of the whole set of price rules, stored as a RulesEngine workflow (JSON).</summary>
public class PriceRuleSetVersion
{
    public int Id { get; set; }
    public int Number { get; set; }
    public required string WorkflowJson { get; set; }
    public RuleSetStatus Status { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public required string CreatedBy { get; set; }
    public DateTimeOffset? ActivatedAt { get; set; }
    public int? PriceChangeId { get; set; }
    /// <summary>The version this one replaced: what a rollback restores.</summary>
    public int? PreviousVersionId { get; set; }
}

public enum PriceChangeStatus { Draft, PendingApproval, Approved, Rejected, Scheduled, Active, RolledBack, Superseded }
public enum PriceChangeAudience { AllSubscriptions, NewSubscriptionsOnly }

/// <summary>A proposal that adds, edits or retires price rules; approved by someone other than its author.</summary>
public class PriceChange
{
    public int Id { get; set; }
    public required string Title { get; set; }
    public string Description { get; set; } = "";
    public PriceChangeStatus Status { get; set; }
    public PriceChangeAudience Audience { get; set; }
    /// <summary>The rules the change adds, edits or retires, as JSON.</summary>
    public string ChangeJson { get; set; } = "{}";
    /// <summary>The last impact simulation, as JSON.</summary>
    public string? SimulationJson { get; set; }
    public DateTimeOffset EffectiveAt { get; set; }
    /// <summary>The proposer's display name; <see cref="ProposedById"/> is what maker–checker compares.</summary>
    public required string ProposedBy { get; set; }
    public string? ProposedById { get; set; }
    public DateTimeOffset ProposedAt { get; set; }
    public string? DecidedBy { get; set; }
    public string? DecidedById { get; set; }
    public DateTimeOffset? DecidedAt { get; set; }
    public string? RejectionReason { get; set; }
    public int? ResultingRuleSetVersionId { get; set; }
    public DateTimeOffset? SubmittedAt { get; set; }
    public string? RolledBackBy { get; set; }
    public DateTimeOffset? RolledBackAt { get; set; }
    public uint Version { get; set; }
}
