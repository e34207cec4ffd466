using System.Net;
using Microsoft.AspNetCore.Routing;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TokenConsole.Data.Writes;
using TokenConsole.Features.Admin;
using TokenConsole.Tests.Infrastructure;

namespace TokenConsole.Tests.Admin;

/// <summary>The audit log is append-only: nothing in the database, the pages or the HTTP surface edits or deletes it.</summary>
public sealed class AuditLogTests : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly TestDatabase _database = new();
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 15, 4, 0, 0, TimeSpan.Zero));

    public void Dispose() => _database.Dispose();

    private async Task SeedAsync()
    {
        await using var db = _database.CreateDbContext();
        Audit.Record(db, _clock, new Actor("id-pm", "pm"), "Created package", "Package", "p1", after: new { name = "Starter", price = 10 });
        _clock.Advance(TimeSpan.FromDays(1));
        Audit.Record(db, _clock, new Actor("id-ops", "ops"), "Changed pool status", "Pool", "gz-1", before: new { status = "Online", capacity = 100 }, after: new { status = "Draining", capacity = 100 });
        _clock.Advance(TimeSpan.FromDays(1));
        Audit.Record(db, _clock, new Actor("id-pm", "pm"), "Edited package", "Package", "p1", before: new { name = "Starter", price = 10 }, after: new { name = "Starter", price = 12 });
        await db.SaveChangesAsync(Ct);
    }

    [Fact]
    public async Task The_database_refuses_to_change_or_delete_an_entry()
    {
        await SeedAsync();
        await using (var db = _database.CreateDbContext())
        {
            var entry = await db.AuditEntries.FirstAsync(Ct);
            entry.ActorName = "someone else";
            var update = await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync(Ct));
            Assert.Contains("append-only", update.InnerException!.Message, StringComparison.Ordinal);
        }
        await using (var db = _database.CreateDbContext())
        {
            db.AuditEntries.Remove(await db.AuditEntries.FirstAsync(Ct));
            await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync(Ct));
        }
        await using (var db = _database.CreateDbContext())
        {
            // Not through EF either: plain SQL, as a script would send it.
            var sql = Assert.ThrowsAnyAsync<DbException>(() => db.Database.ExecuteSqlRawAsync("""DELETE FROM "AuditEntries" """, Ct));
            Assert.Contains("append-only", (await sql).Message, StringComparison.Ordinal);
            await Assert.ThrowsAnyAsync<DbException>(() => db.Database.ExecuteSqlRawAsync("""UPDATE "AuditEntries" SET "AfterJson" = NULL""", Ct));
            Assert.Equal(3, await db.AuditEntries.CountAsync(Ct));
            Assert.Equal("pm", (await db.AuditEntries.OrderBy(a => a.Id).FirstAsync(Ct)).ActorName);
        }
        // Appending still works.
        await using (var db = _database.CreateDbContext())
        {
            Audit.Record(db, _clock, new Actor("id-admin", "admin"), "Created user", "User", "new");
            await db.SaveChangesAsync(Ct);
            Assert.Equal(4, await db.AuditEntries.CountAsync(Ct));
        }
    }

    [Fact]
    public void The_read_service_has_no_method_that_writes()
    {
        var methods = typeof(AuditLogService).GetMethods(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.DeclaredOnly)
            .Select(m => m.Name).Order().ToList();
        Assert.Equal(["FilterValuesAsync", "PageAsync"], methods);
    }

    [Fact]
    public async Task Pages_are_filtered_by_person_entity_and_time_newest_first()
    {
        await SeedAsync();
        var log = new AuditLogService(_database);
        var start = new DateTimeOffset(2026, 11, 15, 4, 0, 0, TimeSpan.Zero);

        var (all, total) = await log.PageAsync(new AuditFilter(), 0, 2, Ct);
        Assert.Equal(3, total);
        Assert.Equal(["Edited package", "Changed pool status"], all.Select(a => a.Action));
        var (second, _) = await log.PageAsync(new AuditFilter(), 1, 2, Ct);
        Assert.Equal(["Created package"], second.Select(a => a.Action));

        Assert.Equal(2, (await log.PageAsync(new AuditFilter(ActorId: "id-pm"), 0, 25, Ct)).Total);
        Assert.Equal(1, (await log.PageAsync(new AuditFilter(EntityType: "Pool"), 0, 25, Ct)).Total);
        var (window, count) = await log.PageAsync(new AuditFilter(From: start.AddHours(12), To: start.AddDays(1).AddHours(1)), 0, 25, Ct);
        Assert.Equal(1, count);
        Assert.Equal(("id-ops", "ops"), (window[0].ActorId, window[0].ActorName));
        Assert.Equal(0, (await log.PageAsync(new AuditFilter(ActorId: "nobody"), 0, 25, Ct)).Total);

        var (actors, types) = await log.FilterValuesAsync(Ct);
        Assert.Equal([new AuditActorOption("id-ops", "ops"), new AuditActorOption("id-pm", "pm")], actors);
        Assert.Equal(["Package", "Pool"], types);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => log.PageAsync(new AuditFilter(), -1, 25, Ct));
    }

    private enum Sample { Draft, InReview }

    [Fact]
    public void Nested_records_and_lists_are_compared_field_by_field_and_enums_read_by_name()
    {
        var at = new DateTimeOffset(2026, 11, 15, 4, 0, 0, TimeSpan.Zero);
        var entry = Audit.Entry(at, new Actor("id-pm", "Lin Wei"), AuditActions.PackageDraftEdited, "Package", "1",
            before: new { Status = Sample.Draft, Tiers = new[] { new { UpTo = 1000, Price = 2m }, new { UpTo = 5000, Price = 1.5m } }, Limits = new { Concurrency = 5 } },
            after: new { Status = Sample.InReview, Tiers = new[] { new { UpTo = 1000, Price = 2m }, new { UpTo = 6000, Price = 1.5m } }, Limits = new { Concurrency = 8 } });

        Assert.Equal(("id-pm", "Lin Wei"), (entry.ActorId, entry.ActorName));
        Assert.Contains("\"Status\":\"Draft\"", entry.BeforeJson, StringComparison.Ordinal);
        Assert.Equal(
            [new AuditFieldChange("Status", "Draft", "InReview"), new AuditFieldChange("Tiers[1].UpTo", "5000", "6000"), new AuditFieldChange("Limits.Concurrency", "5", "8")],
            AuditLogService.Diff(entry.BeforeJson, entry.AfterJson));
        // A list that loses an item shows the item gone.
        Assert.Equal([new AuditFieldChange("Tags[1]", "finance", null)], AuditLogService.Diff("""{"Tags":["consumer","finance"]}""", """{"Tags":["consumer"]}"""));
    }

    [Fact]
    public void The_diff_lists_only_the_fields_that_changed()
    {
        Assert.Equal([new AuditFieldChange("status", "Online", "Draining")],
            AuditLogService.Diff("""{"status":"Online","capacity":100}""", """{"status":"Draining","capacity":100}"""));
        Assert.Equal([new AuditFieldChange("name", null, "Starter"), new AuditFieldChange("price", null, "10")],
            AuditLogService.Diff(null, """{"name":"Starter","price":10}"""));
        Assert.Equal([new AuditFieldChange("", "not json", "[1]")], AuditLogService.Diff("not json", "[1]"));
        Assert.Empty(AuditLogService.Diff(null, null));
    }
}

/// <summary>The HTTP surface offers no way to write to the audit log.</summary>
public sealed class AuditLogHttpTests(ConsoleFactory factory) : IClassFixture<ConsoleFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void No_endpoint_accepts_anything_but_reads_on_an_audit_route()
    {
        var endpoints = factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.Contains("audit", StringComparison.OrdinalIgnoreCase) == true).ToList();
        Assert.NotEmpty(endpoints);
        foreach (var endpoint in endpoints)
        {
            var methods = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? [];
            // Blazor maps every page for POST too (its form handling); the page has no form, and the theory below posts to it.
            var page = endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Components.Endpoints.ComponentTypeMetadata>() is not null;
            Assert.True(methods.Count > 0 && methods.All(m => m is "GET" or "HEAD" || (page && m == "POST")), $"{endpoint.RoutePattern.RawText} accepts {string.Join(",", methods)}");
        }
    }

    [Theory]
    [InlineData("DELETE", "/admin/audit")]
    [InlineData("PUT", "/admin/audit")]
    [InlineData("PATCH", "/admin/audit")]
    [InlineData("POST", "/admin/audit")]
    [InlineData("DELETE", "/admin/audit/1")]
    [InlineData("DELETE", "/api/audit/1")]
    [InlineData("POST", "/api/audit")]
    public async Task An_administrator_cannot_edit_or_delete_entries_over_HTTP(string method, string url)
    {
        long before;
        using (var scope = factory.Services.CreateScope())
        {
            before = await scope.ServiceProvider.GetRequiredService<TokenConsole.Data.TokenConsoleDbContext>().AuditEntries.LongCountAsync(Ct);
        }
        using var client = await factory.SignedInClientAsync("admin");
        var request = new HttpRequestMessage(new HttpMethod(method), url) { Content = new StringContent("""{"id":1,"actor":"x"}""", System.Text.Encoding.UTF8, "application/json") };
        var response = await client.SendAsync(request, Ct);
        Assert.False(response.IsSuccessStatusCode, $"{method} {url} answered {response.StatusCode}");
        Assert.NotEqual(HttpStatusCode.InternalServerError, response.StatusCode);
        using (var scope = factory.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TokenConsole.Data.TokenConsoleDbContext>();
            // Nothing was removed (others may append in parallel, never remove).
            Assert.True(await db.AuditEntries.LongCountAsync(Ct) >= before);
            Assert.True(await db.AuditEntries.AnyAsync(a => a.Action == AuditActions.DemoDataSeeded, Ct));
        }
    }
}
