using System.Globalization;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using TokenConsole.Auth;
using TokenConsole.Data;
using TokenConsole.Data.Writes;
using TokenConsole.Features.Admin;

namespace TokenConsole.Features.Customers;

/// <summary>A person who may serve customers: an account manager, by stable id, shown by name.</summary>
public sealed record AccountManagerOption(string Id, string Name);

/// <summary>
/// Creates and edits customers for account managers, through the one write path: the form re-validated, the code unique
/// (case-insensitive: codes are stored upper-case), a stale version refused as a conflict, a customer with a running
/// subscription not closed, and the change with its audit entry in one transaction; ingestion reloads its customers after.
/// </summary>
public sealed class CustomerService(IDbContextFactory<TokenConsoleDbContext> dbFactory, AuditedWriter writer, IReferenceDataEvents events)
{
    public async Task<bool> CanManageAsync(ClaimsPrincipal user, CancellationToken ct = default) =>
        await writer.AuthorizeAsync(user, Policies.ManageCustomers, ct) is null;

    /// <summary>The local accounts holding the account manager role and not disabled (in Entra mode: none, the creator serves).</summary>
    public async Task<IReadOnlyList<AccountManagerOption>> AccountManagersAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await AccountManagersAsync(db, ct);
    }

    internal static async Task<List<AccountManagerOption>> AccountManagersAsync(TokenConsoleDbContext db, CancellationToken ct) =>
        await (from u in db.Users
               join ur in db.UserRoles on u.Id equals ur.UserId
               join r in db.Roles on ur.RoleId equals r.Id
               where r.Name == Roles.AccountManager && !u.IsDisabled
               orderby u.DisplayName
               select new AccountManagerOption(u.Id, u.DisplayName)).ToListAsync(ct);

    public async Task<(IReadOnlyList<Region> Regions, IReadOnlyList<Industry> Industries)> ChoicesAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return (await db.Regions.AsNoTracking().OrderBy(r => r.Code).ToListAsync(ct), await db.Industries.AsNoTracking().OrderBy(i => i.Code).ToListAsync(ct));
    }

    /// <summary>Creates (<see cref="CustomerForm.Id"/> null) or edits a customer; returns its code.</summary>
    public async Task<WriteResult<string>> SaveAsync(ClaimsPrincipal user, CustomerForm form, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(form);
        var result = await writer.WriteAsync<string>(user, Policies.ManageCustomers, w => ChangeAsync(w, user, form, ct), ct);
        if (result.Succeeded)
        {
            // Ingestion resolves customers by code from its cache: a new or closed customer counts from the next event.
            await events.PublishAsync(ReferenceDataKind.Customer);
        }
        return result;
    }

    private static async Task<WriteResult<string>> ChangeAsync(WriteContext w, ClaimsPrincipal user, CustomerForm form, CancellationToken ct)
    {
        var db = w.Db;
        var code = CustomerForm.NormalizeCode(form.Code);
        var regions = await db.Regions.Select(r => r.Code).ToListAsync(ct);
        var industries = await db.Industries.Select(i => i.Code).ToListAsync(ct);
        var managers = (await AccountManagersAsync(db, ct)).Select(m => m.Id).ToHashSet(StringComparer.Ordinal);
        // The creator serves the customer by default when they are an account manager (in Entra mode they are not a local account).
        var creatorServes = user.IsInRole(Roles.AccountManager);
        if (creatorServes)
        {
            managers.Add(w.Actor.Id);
        }
        if (form.Id is null && form.AccountManagerId is null && creatorServes)
        {
            form.AccountManagerId = w.Actor.Id;
        }
        if (FirstError(form.Validate(regions, industries, managers)) is { } invalid)
        {
            return invalid;
        }
        Customer customer;
        CustomerSnapshot? before = null;
        if (form.Id is { } id)
        {
            var existing = await db.Customers.FirstOrDefaultAsync(c => c.Id == id, ct);
            if (existing is null || existing.Version != form.Version)
            {
                return Refusal.Stale;
            }
            if (existing.Code != code)
            {
                return new Refusal("The code cannot be changed: usage and bills refer to it.", "code");
            }
            customer = existing;
            db.Entry(customer).Property(c => c.Version).OriginalValue = form.Version;
            before = CustomerSnapshot.Of(customer);
            if (form.Status == CustomerStatus.Closed && customer.Status != CustomerStatus.Closed
                && await db.Subscriptions.AnyAsync(s => s.CustomerId == id && (s.Status == SubscriptionStatus.Active || s.Status == SubscriptionStatus.Suspended), ct))
            {
                return new Refusal("A customer with a running subscription cannot be closed: cancel its subscriptions first.", "status");
            }
        }
        else
        {
            // Codes are stored upper-case, so this equality is the case-insensitive check (the unique index is the last guard).
            if (await db.Customers.AnyAsync(c => c.Code == code, ct))
            {
                return new Refusal("Another customer already uses this code.", "code");
            }
            customer = new Customer { Code = code, Name = "", NameZh = "", IndustryCode = form.IndustryCode, RegionCode = form.RegionCode, CreatedAt = w.Now };
            db.Customers.Add(customer);
        }
        customer.Name = form.Name.Trim();
        customer.NameZh = form.NameZh.Trim();
        customer.Segment = form.Segment;
        customer.IndustryCode = form.IndustryCode;
        customer.RegionCode = form.RegionCode;
        customer.AccountManagerId = form.AccountManagerId;
        customer.Status = form.Status;
        w.Audit(before is null ? AuditActions.CustomerCreated : AuditActions.CustomerUpdated, nameof(Customer),
            () => customer.Id.ToString(CultureInfo.InvariantCulture), before, () => CustomerSnapshot.Of(customer));
        return code;
    }

    private static Refusal? FirstError(CustomerFieldErrors errors)
    {
        if (errors.IsValid)
        {
            return null;
        }
        var (field, key) = errors.First();
        return new Refusal(key, field);
    }
}
