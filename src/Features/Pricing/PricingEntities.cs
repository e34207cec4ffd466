using TokenConsole.Data.Writes;

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
    /// <summary>What the approver wrote when approving: the approval is a decision on the record, not a click.</summary>
    public string? DecisionComment { get; set; }
    public int? ResultingRuleSetVersionId { get; set; }
    public DateTimeOffset? SubmittedAt { get; set; }
    public string? RolledBackBy { get; set; }
    public string? RolledBackById { get; set; }
    public string? RollbackReason { get; set; }
    public DateTimeOffset? RolledBackAt { get; set; }
    public uint Version { get; set; }

    private static readonly Refusal WrongState = new("The price change is no longer in the state this action needs; reload it.") { Conflict = true };

    /// <summary>Draft → Pending approval.</summary>
    public Refusal? Submit(DateTimeOffset now)
    {
        if (Status != PriceChangeStatus.Draft)
        {
            return WrongState;
        }
        if (EffectiveAt < now.AddMinutes(-5))
        {
            return new Refusal("The effective time is in the past.");
        }
        Status = PriceChangeStatus.PendingApproval;
        SubmittedAt = now;
        return null;
    }

    /// <summary>
    /// Pending approval → Scheduled for its effective time (the scheduler activates it then), with the approver's comment.
    /// Never by its proposer.
    /// </summary>
    public Refusal? Approve(Actor actor, string comment, DateTimeOffset now)
    {
        if (Status != PriceChangeStatus.PendingApproval)
        {
            return WrongState;
        }
        if (Required(comment, "comment", "A comment is required to approve a change.") is { } missing)
        {
            return missing;
        }
        if (actor.Is(ProposedById))
        {
            return new Refusal("The proposer of a price change cannot approve it.");
        }
        Decide(actor, now);
        DecisionComment = comment.Trim();
        Status = PriceChangeStatus.Scheduled;
        return null;
    }

    /// <summary>Pending approval → Rejected, with a reason. Never by its proposer.</summary>
    public Refusal? Reject(Actor actor, string reason, DateTimeOffset now)
    {
        if (Status != PriceChangeStatus.PendingApproval)
        {
            return WrongState;
        }
        if (Required(reason, "reason", "A reason is required to reject a change.") is { } missing)
        {
            return missing;
        }
        if (actor.Is(ProposedById))
        {
            return new Refusal("The proposer of a price change cannot decide on it.");
        }
        Decide(actor, now);
        Status = PriceChangeStatus.Rejected;
        RejectionReason = reason.Trim();
        return null;
    }

    /// <summary>Scheduled → Active, as the ruleset version it produced.</summary>
    public void Activate(int ruleSetVersionId)
    {
        Status = PriceChangeStatus.Active;
        ResultingRuleSetVersionId = ruleSetVersionId;
    }

    /// <summary>Active → Rolled back, with the reason the executive gave.</summary>
    public Refusal? RollBack(Actor actor, string reason, DateTimeOffset now)
    {
        if (Status != PriceChangeStatus.Active)
        {
            return new Refusal("Only the active price change can be rolled back.");
        }
        if (Required(reason, "reason", "A reason is required to roll back a change.") is { } missing)
        {
            return missing;
        }
        Status = PriceChangeStatus.RolledBack;
        RolledBackBy = actor.Name;
        RolledBackById = actor.Id;
        RolledBackAt = now;
        RollbackReason = reason.Trim();
        return null;
    }

    /// <summary>The longest comment or reason kept: a paragraph, not a document.</summary>
    public const int MaxNoteLength = 1000;

    private static Refusal? Required(string? text, string field, string code) =>
        string.IsNullOrWhiteSpace(text) ? new Refusal(code, field)
        : text.Trim().Length > MaxNoteLength ? new Refusal("At most {0} characters.", field, MaxNoteLength)
        : null;

    private void Decide(Actor actor, DateTimeOffset now)
    {
        DecidedBy = actor.Name;
        DecidedById = actor.Id;
        DecidedAt = now;
    }
}
