using System.Security.Claims;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TokenConsole.Auth;
using TokenConsole.Data;
using TokenConsole.Features.Catalog;
using TokenConsole.Features.Compute;
using TokenConsole.Features.Pricing;
using TokenConsole.Tests.Infrastructure;

namespace TokenConsole.Tests.Usage;

/// <summary>
/// A change to reference data made through a feature's service reaches ingestion and rating in the very next request:
/// the whole app in process, nothing waited for (the periodic reload runs every 30 s and is not what these see).
/// </summary>
public sealed class ReferenceDataEventsTests(ConsoleFactory factory) : IClassFixture<ConsoleFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static DateTimeOffset Now => DateTimeOffset.UtcNow.AddMinutes(-1);

    // The seeded demo accounts: the write path checks each person's current role in the database by their id.
    private ClaimsPrincipal Pm => Person("pm", Roles.ProductManager);
    private ClaimsPrincipal Exec => Person("exec", Roles.Executive);

    private ClaimsPrincipal Person(string userName, string role)
    {
        using var db = Db();
        var id = db.Users.Where(u => u.UserName == userName).Select(u => u.Id).Single();
        return new(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, id), new Claim(ClaimTypes.Name, userName), new Claim(ClaimTypes.Role, role)], "test"));
    }

    private static string NewId() => "ev-" + Guid.NewGuid().ToString("N");

    private TokenConsoleDbContext Db() => factory.Services.GetRequiredService<IDbContextFactory<TokenConsoleDbContext>>().CreateDbContext();

    [Fact]
    public async Task A_package_version_activated_through_the_lifecycle_service_is_accepted_in_the_next_request_and_existing_subscriptions_keep_their_version()
    {
        var subject = await IngestionSubject.FindAsync(factory);
        int packageId;
        string newModel;
        await using (var db = Db())
        {
            var package = await db.Packages.Include(p => p.ActiveVersion!).ThenInclude(v => v.Entitlements).SingleAsync(p => p.Code == subject.Package, Ct);
            packageId = package.Id;
            var entitled = package.ActiveVersion!.Entitlements.Select(e => e.ModelId).ToList();
            // A model on sale with a primary deployment in the customer's region, that the package does not entitle yet.
            newModel = await db.Models
                .Where(m => m.Status == ModelStatus.OnSale && !entitled.Contains(m.Id)
                    && db.Deployments.Any(d => d.ModelId == m.Id && d.Role == DeploymentRole.Primary && d.Pool!.Status == PoolStatus.Online))
                .OrderBy(m => m.Code).Select(m => m.Code).FirstAsync(Ct);
        }
        using var client = IngestionClient.Create(factory);
        var at = Now;
        var beforeId = NewId();
        var refused = await IngestionClient.ResultAsync(await IngestionClient.PostAsync(client,
            subject.Event(beforeId, at, 1_000_000, 0), WithModel(subject.Event(NewId(), at, 1_000, 0), newModel)));
        Assert.Equal((1, 1), ((int)refused["accepted"]!, (int)refused["rejected"]!));

        // Version 2: twice the tokens for the same price (half the unit price inside the allowance), and the new model entitled.
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var catalog = scope.ServiceProvider.GetRequiredService<CatalogService>();
            var lifecycle = scope.ServiceProvider.GetRequiredService<PackageLifecycleService>();
            var form = (await catalog.EditorAsync(packageId, Ct))!.Value.Form;
            var added = form.IncludedTokens;
            form.IncludedTokens += added;
            foreach (var tier in form.Tiers)
            {
                // The overage tiers start where the (now larger) allowance ends.
                tier.FromTokens += added;
                tier.ToTokens += added;
            }
            await using (var db = Db())
            {
                var modelId = await db.Models.Where(m => m.Code == newModel).Select(m => m.Id).SingleAsync(Ct);
                form.Entitlements.Add(new EntitlementRow { ModelId = modelId, Multiplier = 1m });
            }
            var saved = await lifecycle.SaveDraftAsync(Pm, form, Ct);
            Assert.True(saved.Succeeded, saved.Refusal?.Code + " " + string.Join("; ", (saved.Refusal?.Fields ?? new Dictionary<string, List<TokenConsole.Data.Writes.FieldMessage>>()).Select(f => f.Key + ": " + string.Join(", ", f.Value.Select(m => m.ToString())))));
            var draft = saved.Value!;
            await lifecycle.SubmitAsync(Pm, draft.VersionId, await VersionTokenAsync(draft.VersionId), Ct).OkAsync();
            await lifecycle.ActivateAsync(Exec, draft.VersionId, await VersionTokenAsync(draft.VersionId), null, Ct).OkAsync();
        }

        var afterId = NewId();
        var accepted = await IngestionClient.ResultAsync(await IngestionClient.PostAsync(client,
            subject.Event(afterId, at, 1_000_000, 0), WithModel(subject.Event(NewId(), at, 1_000, 0), newModel)));
        Assert.Equal((2, 0), ((int)accepted["accepted"]!, (int)accepted["rejected"]!));
        // The price book rates new subscriptions with the new version at once; this customer holds the version it bought
        // (issue 13: its term), whose allowance both events are drawn from: neither earns anything as usage.
        var book = factory.Services.GetRequiredService<TokenConsole.Features.Pricing.PriceBookProvider>().Current;
        Assert.Equal(2 * (await VersionOfAsync(subject)).IncludedTokens, book.Packages[packageId].IncludedTokens);
        await using (var db = Db())
        {
            Assert.Equal([0L, 0L], await db.UsageEvents.Where(e => e.EventId == beforeId || e.EventId == afterId).Select(e => e.RevenueMicros).ToListAsync(Ct));
        }
    }

    private async Task<TokenConsole.Features.Catalog.PackageVersion> VersionOfAsync(IngestionSubject subject)
    {
        await using var db = Db();
        var versionId = await db.Subscriptions.Where(s => s.CustomerId == subject.CustomerId).Select(s => s.PackageVersionId).SingleAsync(Ct);
        return await db.PackageVersions.SingleAsync(v => v.Id == versionId, Ct);
    }

    [Fact]
    public async Task A_price_change_activated_by_its_approval_is_applied_to_the_next_request()
    {
        var subject = await IngestionSubject.FindAsync(factory, skip: 1);
        using var client = IngestionClient.Create(factory);
        var at = Now;
        // Rules price usage beyond the buckets: three billion tokens first empty the 800M allowance (and any rollover).
        for (var i = 0; i < 3; i++)
        {
            await IngestionClient.ResultAsync(await IngestionClient.PostAsync(client, subject.Event(NewId(), at, 1_000_000_000, 0)));
        }
        var beforeId = NewId();
        await IngestionClient.ResultAsync(await IngestionClient.PostAsync(client, subject.Event(beforeId, at, 1_000_000, 0)));

        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var changes = scope.ServiceProvider.GetRequiredService<PriceChangeService>();
            var content = new PriceChangeContent
            {
                Add =
                [
                    new PriceRule
                    {
                        Name = "events-half-price", Effect = PriceEffectKind.Percentage, Value = -50, Stacking = StackingPolicy.BestPrice,
                        Scope = new() { RegionCodes = [subject.Region], IndustryCodes = [subject.Industry] },
                    },
                ],
            };
            var draft = await changes.SaveDraftAsync(Pm, null, 0, "Half price in one region and industry", "", PriceChangeAudience.AllSubscriptions,
                DateTimeOffset.UtcNow, content, null, Ct).OkAsync();
            var proposed = await changes.SubmitAsync(Pm, draft.Id, draft.Version, Ct).OkAsync();
            var approved = await changes.ApproveAsync(Exec, proposed.Id, proposed.Version, "Margin holds", Ct).OkAsync();
            Assert.Equal(PriceChangeStatus.Active, approved.Status);
        }

        // Rules apply by the event's time: this one happens after the change took effect.
        var afterId = NewId();
        await IngestionClient.ResultAsync(await IngestionClient.PostAsync(client, subject.Event(afterId, DateTimeOffset.UtcNow, 1_000_000, 0)));
        var (before, after) = await RevenuesAsync(beforeId, afterId);
        Assert.Equal(0.5m, Math.Round(after / before, 6));
    }

    private static JsonObject WithModel(JsonObject e, string model)
    {
        e["model"] = model;
        return e;
    }

    private async Task<uint> VersionTokenAsync(int versionId)
    {
        await using var db = Db();
        return await db.PackageVersions.Where(v => v.Id == versionId).Select(v => v.Version).SingleAsync(Ct);
    }

    private async Task<(decimal Before, decimal After)> RevenuesAsync(string beforeId, string afterId)
    {
        await using var db = Db();
        var revenues = await db.UsageEvents.Where(e => e.EventId == beforeId || e.EventId == afterId).Select(e => new { e.EventId, e.RevenueMicros }).ToListAsync(Ct);
        decimal before = revenues.Single(r => r.EventId == beforeId).RevenueMicros;
        decimal after = revenues.Single(r => r.EventId == afterId).RevenueMicros;
        Assert.True(before > 0, "the first event was rated");
        return (before, after);
    }
}
