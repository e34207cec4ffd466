using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Identity;

namespace TokenConsole.Auth;

/// <summary>
/// Local accounts: every open circuit checks its person's security stamp (and disabled flag) every minute. When the
/// administrator disables the person, changes their role or resets their password, the stamp changes, the circuit's
/// state becomes anonymous and the router sends the person to sign in (<c>RedirectToLogin</c>). Under Entra ID the
/// directory's token is the word: this provider is not used there (see <see cref="AuthModule"/>).
/// </summary>
public sealed class ConsoleAuthenticationStateProvider(ILoggerFactory loggerFactory, IServiceScopeFactory scopes, IConfiguration configuration)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    /// <summary>The bound: a change to a person takes effect within a minute on a page they keep open.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromMinutes(1);

    private readonly ILogger _logger = loggerFactory.CreateLogger<ConsoleAuthenticationStateProvider>();

    protected override TimeSpan RevalidationInterval { get; } =
        configuration.GetValue<TimeSpan?>("Auth:CircuitRevalidationInterval") is { } interval && interval > TimeSpan.Zero && interval < DefaultInterval ? interval : DefaultInterval;

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var signIn = scope.ServiceProvider.GetRequiredService<SignInManager<ConsoleUser>>();
            return await signIn.ValidateSecurityStampAsync(authenticationState.User) is not null;
        }
        catch (Exception e) when (DatabaseBusy.Is(e))
        {
            // A locked database says nothing about the person: keep them, and look again at the next interval
            // (the base class would sign out everyone whose check failed for any reason).
            _logger.LogWarning(e, "Could not revalidate {User}: the database is busy", authenticationState.User.Identity?.Name);
            return true;
        }
    }
}
