using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TokenConsole.Auth;
using TokenConsole.Data.Seeding;
using TokenConsole.Tests.Infrastructure;

namespace TokenConsole.Tests.Auth;

/// <summary>
/// The whole console (local accounts) with what these tests must control and the real console leaves alone: the
/// clock of the sign-in cookie's security-stamp check (so a minute passes without waiting for one), a circuit
/// revalidation interval of 0.2 s, and Identity's real password hasher counted.
/// </summary>
public sealed class AccessConsole : IDisposable
{
    private readonly ConsoleFactory _factory = new();

    public AccessConsole()
    {
        _factory.Settings["Auth:CircuitRevalidationInterval"] = "00:00:00.200";
        App = _factory.WithWebHostBuilder(builder => builder.ConfigureTestServices(services =>
        {
            services.Configure<SecurityStampValidatorOptions>(options => options.TimeProvider = StampClock);
            services.AddSingleton<IPasswordHasher<ConsoleUser>>(Hasher);
        }));
    }

    /// <summary>A day behind at first, so that no cookie is checked before a test moves it on.</summary>
    public FakeTimeProvider StampClock { get; } = new(DateTimeOffset.UtcNow.AddDays(-1));

    public CountingPasswordHasher Hasher { get; } = new();

    public WebApplicationFactory<Program> App { get; }

    public string DemoPassword => App.Services.GetRequiredService<IOptions<DemoOptions>>().Value.Password;

    /// <summary>An administrator as an in-process principal (no id claim: judged on its own claims).</summary>
    public static readonly ClaimsPrincipal Admin = new(new ClaimsIdentity([new Claim(ClaimTypes.Name, "admin"), new Claim(ClaimTypes.Role, Roles.Administrator)], "test"));

    public HttpClient CreateBrowserLikeClient() => App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    /// <summary>Moves the cookie check's clock to <paramref name="seconds"/> after the real now.</summary>
    public void StampClockAt(int seconds)
    {
        var target = DateTimeOffset.UtcNow.AddSeconds(seconds);
        if (target > StampClock.GetUtcNow())
        {
            StampClock.SetUtcNow(target);
        }
    }

    /// <summary>A new local account with the role, and the principal its sign-in cookie carries (Identity's own factory).</summary>
    public async Task<(string Id, string UserName, ClaimsPrincipal SignedIn)> CreatePersonAsync(string role, string password)
    {
        await using var scope = App.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ConsoleUser>>();
        var userName = $"p-{Guid.NewGuid():N}"[..14];
        var user = new ConsoleUser { UserName = userName, DisplayName = "Person " + userName };
        Assert.True((await users.CreateAsync(user, password)).Succeeded);
        Assert.True((await users.AddToRoleAsync(user, role)).Succeeded);
        var signedIn = await scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<ConsoleUser>>().CreateAsync(user);
        return (user.Id, userName, signedIn);
    }

    public async Task<string?> SecurityStampAsync(string id)
    {
        await using var scope = App.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ConsoleUser>>();
        return await users.GetSecurityStampAsync((await users.FindByIdAsync(id))!);
    }

    public void Dispose() => _factory.Dispose();
}

/// <summary>Identity's real hasher, counting its verifications: a decorator, not a stand-in.</summary>
public sealed class CountingPasswordHasher : IPasswordHasher<ConsoleUser>
{
    private readonly PasswordHasher<ConsoleUser> _inner = new();
    private int _verifications;

    public int Verifications => Volatile.Read(ref _verifications);

    public string HashPassword(ConsoleUser user, string password) => _inner.HashPassword(user, password);

    public PasswordVerificationResult VerifyHashedPassword(ConsoleUser user, string hashedPassword, string providedPassword)
    {
        Interlocked.Increment(ref _verifications);
        return _inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
    }
}
