using System.Net;
using System.Security.Claims;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TokenConsole.Auth;
using TokenConsole.Data;
using TokenConsole.Features.Admin;
using TokenConsole.Tests.Infrastructure;
using TokenConsole.Tests.Usage;

namespace TokenConsole.Tests.Admin;

/// <summary>A console with keys from configuration: ApiKeys:N with scopes, beside the older Ingestion:ApiKeys (usage:write).</summary>
public sealed class ScopedKeysConsole : IAsyncDisposable
{
    public const string CreditOnly = "configured-credit-key-0123456789";
    public const string UsageAndCredit = "configured-usage-key-0123456789";

    public ScopedKeysConsole()
    {
        Factory.Settings["ApiKeys:0:Key"] = CreditOnly;
        Factory.Settings["ApiKeys:0:Scopes"] = "credit";
        Factory.Settings["ApiKeys:1:Key"] = UsageAndCredit;
        Factory.Settings["ApiKeys:1:Scopes"] = "usage:write, credit";
    }

    public ConsoleFactory Factory { get; } = new();

    public ValueTask DisposeAsync() => Factory.DisposeAsync();
}

/// <summary>API keys carry scopes (issue 16 item 5): an endpoint refuses a valid key without the scope it needs, with 403.</summary>
public sealed class ApiKeyScopeTests(ScopedKeysConsole console) : IClassFixture<ScopedKeysConsole>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly ClaimsPrincipal Admin =
        new(new ClaimsIdentity([new Claim(ClaimTypes.Name, "admin"), new Claim(ClaimTypes.Role, Roles.Administrator)], "test"));

    private ConsoleFactory Factory => console.Factory;

    private static async Task AssertScopeMissingAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;
        Assert.Equal("usage:write", (string?)problem["scope"]);
        Assert.Contains("usage:write", (string?)problem["detail"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_configured_key_sends_usage_only_with_the_usage_write_scope_and_the_older_ingestion_keys_still_do()
    {
        var subject = await IngestionSubject.FindAsync(Factory);
        using (var credit = IngestionClient.Create(Factory, ScopedKeysConsole.CreditOnly))
        {
            await AssertScopeMissingAsync(await IngestionClient.PostAsync(credit, subject.Event("scope-" + Guid.NewGuid().ToString("N"), DateTimeOffset.UtcNow.AddMinutes(-1))));
        }
        foreach (var key in new[] { ScopedKeysConsole.UsageAndCredit, ConsoleFactory.IngestionKey })
        {
            using var client = IngestionClient.Create(Factory, key);
            var result = await IngestionClient.ResultAsync(await IngestionClient.PostAsync(client, subject.Event("scope-" + Guid.NewGuid().ToString("N"), DateTimeOffset.UtcNow.AddMinutes(-1))));
            Assert.Equal(1, (int)result["accepted"]!);
        }
        var listed = Factory.Services.GetRequiredService<ApiKeyService>().ConfiguredKeys;
        Assert.Equal(["credit"], listed.Single(k => k.Name == "ApiKeys:0").Scopes);
        Assert.Equal(["usage:write"], listed.Single(k => k.Name == "configuration key 0").Scopes);
    }

    [Fact]
    public async Task A_key_created_with_the_credit_scope_only_is_refused_usage_with_403_and_its_scopes_are_audited()
    {
        var keys = Factory.Services.GetRequiredService<ApiKeyService>();
        var (key, secret) = await keys.CreateAsync(Admin, "Credit gateway " + Guid.NewGuid().ToString("N")[..6], [ApiScopes.Credit], Ct).OkAsync();
        var subject = await IngestionSubject.FindAsync(Factory);
        using (var client = IngestionClient.Create(Factory, secret))
        {
            await AssertScopeMissingAsync(await IngestionClient.PostAsync(client, subject.Event("scope-" + Guid.NewGuid().ToString("N"), DateTimeOffset.UtcNow.AddMinutes(-1))));
        }
        await using var db = await Factory.Services.GetRequiredService<IDbContextFactory<TokenConsoleDbContext>>().CreateDbContextAsync(Ct);
        Assert.Equal("credit", (await db.ApiKeys.SingleAsync(k => k.Id == key.Id, Ct)).Scopes);
        var audit = await db.AuditEntries.SingleAsync(a => a.EntityType == "ApiKey" && a.EntityId == key.Id.ToString(), Ct);
        Assert.Equal("credit", (string?)JsonNode.Parse(audit.AfterJson!)!["Scopes"]);
    }

    [Theory]
    [InlineData("")]
    [InlineData("usage:read")]
    public async Task A_key_without_a_known_scope_is_refused_next_to_the_scopes_and_nothing_is_stored(string scope)
    {
        string[] scopes = scope.Length == 0 ? [] : [scope];
        var keys = Factory.Services.GetRequiredService<ApiKeyService>();
        var name = "No scope " + Guid.NewGuid().ToString("N")[..6];
        var refusal = await keys.CreateAsync(Admin, name, scopes, Ct).RefusedAsync();
        Assert.Equal(("Choose at least one scope.", "scopes"), (refusal.Code, refusal.Field));
        await using var db = await Factory.Services.GetRequiredService<IDbContextFactory<TokenConsoleDbContext>>().CreateDbContextAsync(Ct);
        Assert.False(await db.ApiKeys.AnyAsync(k => k.Name == name, Ct));
    }
}

/// <summary>The ApiKeys section is checked at start: what is wrong with it is said, not guessed.</summary>
public sealed class ApiKeyOptionsTests
{
    [Theory]
    [InlineData("", "usage:write", "ApiKeys:0:Key is empty.")]
    [InlineData("k", "", "ApiKeys:0:Scopes is empty; give the key at least one of usage:write, credit.")]
    [InlineData("k", "usage:write,usage:read", "ApiKeys:0:Scopes names 'usage:read', which is not a scope; it takes usage:write, credit.")]
    [InlineData("k", " credit , usage:write ", null)]
    public void Problem_names_the_setting_and_what_it_takes(string key, string scopes, string? problem)
    {
        var options = new ApiKeyOptions { Keys = [new ConfiguredApiKey { Key = key, Scopes = scopes }] };
        Assert.Equal(problem, options.Problem());
    }

    [Fact]
    public void Scopes_are_stored_in_one_order_whatever_order_they_came_in()
    {
        Assert.Equal("usage:write,credit", ApiScopes.Format(["credit", "usage:write"]));
        Assert.Equal("credit", ApiScopes.Format(["credit"]));
    }
}
