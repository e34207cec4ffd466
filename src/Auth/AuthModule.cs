using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.Identity.Web;
using TokenConsole.Data;

namespace TokenConsole.Auth;

/// <summary>Sign-in (local accounts or Entra ID), the role policies and the account endpoints.</summary>
public static class AuthModule
{
    /// <summary>Entra mode when an Entra application is configured; local accounts otherwise.</summary>
    public static bool IsEntraMode(IConfiguration configuration) => !string.IsNullOrWhiteSpace(configuration["AzureAd:ClientId"]);

    public static void AddAuth(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        var entra = IsEntraMode(builder.Configuration);

        // Local accounts are stored either way (the demo users are seeded); only local mode lets them sign in.
        services.AddIdentityCore<ConsoleUser>(options =>
            {
                options.Password.RequiredLength = 10;
                options.Lockout.MaxFailedAccessAttempts = 5;
                options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(5);
                options.User.RequireUniqueEmail = false;
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<TokenConsoleDbContext>()
            .AddSignInManager<ConsoleSignInManager>()
            .AddClaimsPrincipalFactory<ConsoleClaimsFactory>()
            .AddDefaultTokenProviders();

        if (entra)
        {
            services.AddAuthentication(OpenIdConnectDefaults.AuthenticationScheme)
                .AddMicrosoftIdentityWebApp(builder.Configuration.GetSection("AzureAd"));
            services.Configure<OpenIdConnectOptions>(OpenIdConnectDefaults.AuthenticationScheme, options =>
            {
                // Entra app roles arrive in the "roles" claim; their values are the role names of Roles.
                options.TokenValidationParameters.RoleClaimType = "roles";
                options.TokenValidationParameters.NameClaimType = "name";
            });
        }
        else
        {
            services.AddAuthentication(IdentityConstants.ApplicationScheme).AddIdentityCookies();
            services.ConfigureApplicationCookie(options =>
            {
                options.LoginPath = "/account/login";
                options.LogoutPath = "/account/logout";
                options.Cookie.Name = "TokenConsole.Auth";
                options.SlidingExpiration = true;
                options.ExpireTimeSpan = TimeSpan.FromHours(8);
                // Secure whenever the console is served over HTTPS (plain HTTP on a developer's loopback still works).
                options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Lax;
            });
            // A disabled, demoted or reset person's cookie stops opening pages within a minute (Identity's default is
            // 30): the check compares the cookie's security stamp with the database's (ConsoleSignInManager).
            services.Configure<SecurityStampValidatorOptions>(options => options.ValidationInterval = TimeSpan.FromMinutes(1));
            // And their open circuits, on the same stamp, every minute.
            services.AddScoped<AuthenticationStateProvider, ConsoleAuthenticationStateProvider>();
        }
        // Under Entra ID a person's role comes from the directory's token, renewed at each sign-in to the directory;
        // the one write path (AuditedWriter) judges each write on that token's roles, so a role removed in the
        // directory takes effect at the person's next sign-in there, and disabling them in the directory ends it.
        services.AddAntiforgery(options => options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest);

        services.PostConfigureAll<CookieAuthenticationOptions>(options =>
        {
            options.AccessDeniedPath = "/account/access-denied";
            options.Events.OnRedirectToAccessDenied = context =>
            {
                var logger = context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("TokenConsole.Auth");
                logger.LogWarning("Forbidden: {User} asked for {Path}", context.HttpContext.User.Identity?.Name, context.Request.Path);
                return RedirectOrStatus(context, StatusCodes.Status403Forbidden);
            };
            options.Events.OnRedirectToLogin = context => RedirectOrStatus(context, StatusCodes.Status401Unauthorized);
        });

        services.AddAuthorizationBuilder().AddConsolePolicies();
        services.AddCascadingAuthenticationState();
    }

    /// <summary>Machines (API, health) get a status code; people get the sign-in or access-denied page.</summary>
    private static Task RedirectOrStatus(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        if (context.Request.Path.StartsWithSegments("/api"))
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        }
        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }

    public static AuthorizationBuilder AddConsolePolicies(this AuthorizationBuilder authorization)
    {
        foreach (var (policy, roles) in Policies.RolesByPolicy)
        {
            authorization.AddPolicy(policy, p => p.RequireAuthenticatedUser().RequireRole(roles));
        }
        return authorization;
    }

    public static void MapAuth(this IEndpointRouteBuilder endpoints)
    {
        var entra = IsEntraMode(endpoints.ServiceProvider.GetRequiredService<IConfiguration>());
        var account = endpoints.MapGroup("/account");
        if (entra)
        {
            account.MapGet("/signin", (string? returnUrl) => TypedResults.Challenge(
                new AuthenticationProperties { RedirectUri = LocalUrl(returnUrl) }, [OpenIdConnectDefaults.AuthenticationScheme]));
            account.MapPost("/logout", async Task<IResult> (HttpContext context, IAntiforgery antiforgery) => await antiforgery.IsRequestValidAsync(context)
                ? TypedResults.SignOut(new AuthenticationProperties { RedirectUri = "/" },
                    [CookieAuthenticationDefaults.AuthenticationScheme, OpenIdConnectDefaults.AuthenticationScheme])
                : LogoutRefused());
        }
        else
        {
            account.MapPost("/logout", async Task<IResult> (HttpContext context, IAntiforgery antiforgery, SignInManager<ConsoleUser> signIn) =>
            {
                if (!await antiforgery.IsRequestValidAsync(context))
                {
                    return LogoutRefused();
                }
                await signIn.SignOutAsync();
                return TypedResults.LocalRedirect("/account/login");
            });
        }
    }

    /// <summary>
    /// Signing out only from the console's own form (with its antiforgery token): another site cannot sign people out
    /// by posting to this address. The endpoint reads no form fields, so nothing checks the token unless it does.
    /// </summary>
    private static ProblemHttpResult LogoutRefused() =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Sign out from the console's own menu.");

    /// <summary>Only local return URLs are followed, so the sign-in cannot be used as an open redirect.</summary>
    public static string LocalUrl(string? url) =>
        !string.IsNullOrEmpty(url) && url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal) ? url : "/";
}
