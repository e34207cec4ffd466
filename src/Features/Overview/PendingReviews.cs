using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using TokenConsole.Auth;
using TokenConsole.Data;
using TokenConsole.Data.Writes;
using TokenConsole.Features.Catalog;
using TokenConsole.Features.Pricing;

namespace TokenConsole.Features.Overview;

public enum ReviewKind { Package, PriceChange, CreditNote }

/// <summary>
/// Something that waits for a decision (or, under "my proposals", something a person proposed), with its state as a
/// resource key (<c>PackageStatus.InReview</c>, <c>PriceChangeStatus.PendingApproval</c> …) and the page that decides it.
/// </summary>
public sealed record ReviewItem(ReviewKind Kind, int Id, string Title, string TitleZh, string StateKey, string ProposedBy, DateTimeOffset At, string Href);

/// <summary>
/// One kind of decision the console asks for. Each kind names the policy of those who decide it; a feature with a new
/// kind (credit notes, once they exist) registers one more source and the app bar and the overview show it.
/// </summary>
public interface IReviewSource
{
    string Policy { get; }

    /// <summary>What waits for a decision that <paramref name="actor"/> may take: never their own proposals.</summary>
    Task<IReadOnlyList<ReviewItem>> PendingAsync(TokenConsoleDbContext db, Actor actor, CancellationToken ct);

    /// <summary>The most recent proposals of <paramref name="actor"/>, compared by stable id, with their state.</summary>
    Task<IReadOnlyList<ReviewItem>> ProposedByAsync(TokenConsoleDbContext db, Actor actor, int take, CancellationToken ct);
}

/// <summary>The pending reviews a person may decide and the proposals they made, over every registered source.</summary>
public sealed class PendingReviewsService(IDbContextFactory<TokenConsoleDbContext> dbFactory, IEnumerable<IReviewSource> sources, IAuthorizationService authorization)
{
    public const int ProposalsShown = 10;

    /// <summary>Whether the person may decide anything at all (no count in the app bar otherwise).</summary>
    public async Task<bool> MayDecideAsync(ClaimsPrincipal user)
    {
        foreach (var source in sources)
        {
            if ((await authorization.AuthorizeAsync(user, source.Policy)).Succeeded)
            {
                return true;
            }
        }
        return false;
    }

    public async Task<IReadOnlyList<ReviewItem>> PendingAsync(ClaimsPrincipal user, CancellationToken ct = default)
    {
        var actor = Actor.Of(user);
        var items = new List<ReviewItem>();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        foreach (var source in sources)
        {
            if ((await authorization.AuthorizeAsync(user, source.Policy)).Succeeded)
            {
                items.AddRange(await source.PendingAsync(db, actor, ct));
            }
        }
        return [.. items.OrderBy(i => i.At)];
    }

    public async Task<IReadOnlyList<ReviewItem>> MyProposalsAsync(ClaimsPrincipal user, CancellationToken ct = default)
    {
        var actor = Actor.Of(user);
        var items = new List<ReviewItem>();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        foreach (var source in sources)
        {
            items.AddRange(await source.ProposedByAsync(db, actor, ProposalsShown, ct));
        }
        return [.. items.OrderByDescending(i => i.At).Take(ProposalsShown)];
    }
}

/// <summary>Package versions in review: decided by those who may activate packages, never by their author or submitter.</summary>
/// <remarks>A query of the overview over the catalog's tables, read-only; the catalog's services stay its own.</remarks>
internal sealed class PackageReviewSource : IReviewSource
{
    public string Policy => Policies.ActivatePackages;

    public async Task<IReadOnlyList<ReviewItem>> PendingAsync(TokenConsoleDbContext db, Actor actor, CancellationToken ct)
    {
        var rows = await db.PackageVersions.AsNoTracking()
            .Where(v => v.Status == PackageStatus.InReview && v.CreatedById != actor.Id && (v.SubmittedById == null || v.SubmittedById != actor.Id))
            .Select(v => new { v.PackageId, v.Package!.Code, v.Number, v.NameEn, v.NameZh, v.Status, By = v.SubmittedBy ?? v.CreatedBy, v.SubmittedAt, v.CreatedAt })
            .ToListAsync(ct);
        return [.. rows.Select(v => Item(v.PackageId, v.Code, v.Number, v.NameEn, v.NameZh, v.Status, v.By, v.SubmittedAt ?? v.CreatedAt))];
    }

    public async Task<IReadOnlyList<ReviewItem>> ProposedByAsync(TokenConsoleDbContext db, Actor actor, int take, CancellationToken ct)
    {
        var rows = await db.PackageVersions.AsNoTracking()
            .Where(v => v.CreatedById == actor.Id || v.SubmittedById == actor.Id)
            .OrderByDescending(v => v.Id).Take(take)
            .Select(v => new { v.PackageId, v.Package!.Code, v.Number, v.NameEn, v.NameZh, v.Status, By = v.SubmittedBy ?? v.CreatedBy, v.SubmittedAt, v.CreatedAt })
            .ToListAsync(ct);
        return [.. rows.Select(v => Item(v.PackageId, v.Code, v.Number, v.NameEn, v.NameZh, v.Status, v.By, v.SubmittedAt ?? v.CreatedAt))];
    }

    private static ReviewItem Item(int packageId, string code, int number, string en, string zh, PackageStatus status, string by, DateTimeOffset at) =>
        new(ReviewKind.Package, packageId, $"{en} ({code} v{number})", $"{zh}（{code} v{number}）", $"PackageStatus.{status}", by, at, $"/packages/{packageId}");
}

/// <summary>Price changes submitted for approval: decided by executives, never by their proposer.</summary>
internal sealed class PriceChangeReviewSource : IReviewSource
{
    public string Policy => Policies.ApprovePriceChanges;

    public async Task<IReadOnlyList<ReviewItem>> PendingAsync(TokenConsoleDbContext db, Actor actor, CancellationToken ct)
    {
        var rows = await db.PriceChanges.AsNoTracking()
            .Where(c => c.Status == PriceChangeStatus.PendingApproval && (c.ProposedById == null || c.ProposedById != actor.Id))
            .ToListAsync(ct);
        return [.. rows.Select(Item)];
    }

    public async Task<IReadOnlyList<ReviewItem>> ProposedByAsync(TokenConsoleDbContext db, Actor actor, int take, CancellationToken ct)
    {
        var rows = await db.PriceChanges.AsNoTracking().Where(c => c.ProposedById == actor.Id).OrderByDescending(c => c.Id).Take(take).ToListAsync(ct);
        return [.. rows.Select(Item)];
    }

    private static ReviewItem Item(PriceChange c) =>
        new(ReviewKind.PriceChange, c.Id, c.Title, c.Title, $"PriceChangeStatus.{c.Status}", c.ProposedBy, c.SubmittedAt ?? c.ProposedAt, $"/pricing/changes/{c.Id}");
}

/// <summary>
/// Tells the open app bars that a catalog or pricing change was published (and, through the 30 s safety net, anything
/// another process did), so their counts are read again; navigation reads them again too.
/// </summary>
public sealed class PendingReviewsSignal : IReferenceDataSubscriber
{
    public event Action? Changed;

    public Task OnChangedAsync(ReferenceDataChange change, CancellationToken cancellationToken)
    {
        if (change.Concerns(ReferenceDataKind.Package, ReferenceDataKind.PriceRules))
        {
            Changed?.Invoke();
        }
        return Task.CompletedTask;
    }
}

/// <summary>How a review item reads: its title in the reader's language, its time in Beijing.</summary>
public static class ReviewText
{
    public static string Title(ReviewItem item) => Localization.Display.IsChinese() ? item.TitleZh : item.Title;

    public static string When(DateTimeOffset at) => Localization.Display.DateTime(at);
}
