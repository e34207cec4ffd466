namespace TokenConsole.Auth;

/// <summary>The five roles of PRODUCT.md. The same names are the Entra app-role values.</summary>
public static class Roles
{
    public const string ProductManager = "ProductManager";
    public const string Operations = "Operations";
    public const string Executive = "Executive";
    /// <summary>客户经理: serves the government and enterprise customers (their customers, subscriptions, top-ups, credit notes).</summary>
    public const string AccountManager = "AccountManager";
    public const string Administrator = "Administrator";

    public static readonly IReadOnlyList<string> All = [ProductManager, Operations, Executive, AccountManager, Administrator];
}

/// <summary>
/// Authorization policies, one per permission of the role table in PRODUCT.md. Pages and endpoints name a policy,
/// never a role, so the table lives in one place (<see cref="AuthModule"/>).
/// </summary>
public static class Policies
{
    public const string Read = "read";
    public const string EditPackages = "packages.edit";
    public const string ActivatePackages = "packages.activate";
    public const string EditCompute = "compute.edit";
    public const string ImportUsage = "usage.import";
    public const string ProposePriceChanges = "pricing.propose";
    public const string ApprovePriceChanges = "pricing.approve";
    public const string ManageAdmin = "admin.manage";
    public const string ReadAudit = "audit.read";
    /// <summary>Create and edit customers, subscribe, upgrade, downgrade, cancel, sell top-ups.</summary>
    public const string ManageCustomers = "customers.manage";
    /// <summary>Suspend and resume subscriptions: account managers, and operations (for abuse or leakage).</summary>
    public const string SuspendSubscriptions = "subscriptions.suspend";
    /// <summary>Run the bill run on demand and propose credit notes.</summary>
    public const string RunBills = "bills.run";
    public const string ProposeCreditNotes = "creditnotes.propose";
    /// <summary>Approve credit notes above <c>Billing:CreditNoteApprovalThreshold</c> (never one's own).</summary>
    public const string ApproveCreditNotes = "creditnotes.approve";

    public static readonly IReadOnlyDictionary<string, string[]> RolesByPolicy = new Dictionary<string, string[]>
    {
        [Read] = [.. Roles.All],
        [EditPackages] = [Roles.ProductManager],
        [ActivatePackages] = [Roles.ProductManager, Roles.Executive],
        [EditCompute] = [Roles.Operations],
        [ImportUsage] = [Roles.Operations],
        [ProposePriceChanges] = [Roles.ProductManager, Roles.Operations],
        [ApprovePriceChanges] = [Roles.Executive],
        [ManageAdmin] = [Roles.Administrator],
        [ReadAudit] = [Roles.Administrator, Roles.Executive],
        [ManageCustomers] = [Roles.AccountManager],
        [SuspendSubscriptions] = [Roles.AccountManager, Roles.Operations],
        [RunBills] = [Roles.AccountManager],
        [ProposeCreditNotes] = [Roles.AccountManager],
        [ApproveCreditNotes] = [Roles.Executive],
    };
}
