using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace TokenConsole.Data.PostgreSQL.Migrations
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ApiKeys",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Name = table.Column<string>(type: "text", nullable: false),
                    Prefix = table.Column<string>(type: "text", nullable: false),
                    KeyHash = table.Column<string>(type: "text", nullable: false),
                    CreatedAt = table.Column<long>(type: "bigint", nullable: false),
                    CreatedBy = table.Column<string>(type: "text", nullable: false),
                    CreatedById = table.Column<string>(type: "text", nullable: true),
                    LastUsedAt = table.Column<long>(type: "bigint", nullable: true),
                    RevokedAt = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ApiKeys", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "AspNetRoles",
                columns: table => new
                {
                    Id = table.Column<string>(type: "text", nullable: false),
                    Name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    NormalizedName = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    ConcurrencyStamp = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AspNetRoles", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "AspNetUsers",
                columns: table => new
                {
                    Id = table.Column<string>(type: "text", nullable: false),
                    DisplayName = table.Column<string>(type: "text", nullable: false),
                    IsDisabled = table.Column<bool>(type: "boolean", nullable: false),
                    UserName = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    NormalizedUserName = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    Email = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    NormalizedEmail = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    EmailConfirmed = table.Column<bool>(type: "boolean", nullable: false),
                    PasswordHash = table.Column<string>(type: "text", nullable: true),
                    SecurityStamp = table.Column<string>(type: "text", nullable: true),
                    ConcurrencyStamp = table.Column<string>(type: "text", nullable: true),
                    PhoneNumber = table.Column<string>(type: "text", nullable: true),
                    PhoneNumberConfirmed = table.Column<bool>(type: "boolean", nullable: false),
                    TwoFactorEnabled = table.Column<bool>(type: "boolean", nullable: false),
                    LockoutEnd = table.Column<long>(type: "bigint", nullable: true),
                    LockoutEnabled = table.Column<bool>(type: "boolean", nullable: false),
                    AccessFailedCount = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AspNetUsers", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "AuditEntries",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    At = table.Column<long>(type: "bigint", nullable: false),
                    ActorId = table.Column<string>(type: "text", nullable: false),
                    ActorName = table.Column<string>(type: "text", nullable: false),
                    Action = table.Column<string>(type: "text", nullable: false),
                    EntityType = table.Column<string>(type: "text", nullable: false),
                    EntityId = table.Column<string>(type: "text", nullable: true),
                    BeforeJson = table.Column<string>(type: "text", nullable: true),
                    AfterJson = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AuditEntries", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "BillRuns",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Period = table.Column<int>(type: "integer", nullable: false),
                    StartedAt = table.Column<long>(type: "bigint", nullable: false),
                    FinishedAt = table.Column<long>(type: "bigint", nullable: true),
                    StartedById = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: false),
                    StartedByName = table.Column<string>(type: "text", nullable: false),
                    Customers = table.Column<int>(type: "integer", nullable: false),
                    BillsIssued = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_BillRuns", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "CustomerDailyRuleEffect",
                columns: table => new
                {
                    Day = table.Column<long>(type: "bigint", nullable: false),
                    CustomerId = table.Column<int>(type: "integer", nullable: false),
                    ModelId = table.Column<int>(type: "integer", nullable: false),
                    RuleSetVersion = table.Column<int>(type: "integer", nullable: false),
                    RuleOrdinal = table.Column<int>(type: "integer", nullable: false),
                    EffectMicros = table.Column<long>(type: "bigint", nullable: false),
                    Tokens = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CustomerDailyRuleEffect", x => new { x.Day, x.CustomerId, x.ModelId, x.RuleSetVersion, x.RuleOrdinal });
                });

            migrationBuilder.CreateTable(
                name: "CustomerDailyUsage",
                columns: table => new
                {
                    Day = table.Column<long>(type: "bigint", nullable: false),
                    CustomerId = table.Column<int>(type: "integer", nullable: false),
                    ModelId = table.Column<int>(type: "integer", nullable: false),
                    Tokens = table.Column<long>(type: "bigint", nullable: false),
                    Calls = table.Column<long>(type: "bigint", nullable: false),
                    RevenueMicros = table.Column<long>(type: "bigint", nullable: false),
                    ComputeCostMicros = table.Column<long>(type: "bigint", nullable: false),
                    BucketTokens = table.Column<long>(type: "bigint", nullable: false),
                    OverageTokens = table.Column<long>(type: "bigint", nullable: false),
                    BaseRevenueMicros = table.Column<long>(type: "bigint", nullable: false),
                    LeakageTokens = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CustomerDailyUsage", x => new { x.Day, x.CustomerId, x.ModelId });
                });

            migrationBuilder.CreateTable(
                name: "CustomerMonthly",
                columns: table => new
                {
                    Month = table.Column<long>(type: "bigint", nullable: false),
                    CustomerId = table.Column<int>(type: "integer", nullable: false),
                    Tokens = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    RevenueMicros = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    ComputeCostMicros = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    FeeMicros = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    TopUpMicros = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    CreditMicros = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CustomerMonthly", x => new { x.Month, x.CustomerId });
                });

            migrationBuilder.CreateTable(
                name: "CustomerNotifications",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    CustomerId = table.Column<int>(type: "integer", nullable: false),
                    SubscriptionId = table.Column<int>(type: "integer", nullable: false),
                    PeriodStart = table.Column<long>(type: "bigint", nullable: false),
                    Threshold = table.Column<int>(type: "integer", nullable: false),
                    Included = table.Column<long>(type: "bigint", nullable: false),
                    Used = table.Column<long>(type: "bigint", nullable: false),
                    CreatedAt = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CustomerNotifications", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Industries",
                columns: table => new
                {
                    Code = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    NameEn = table.Column<string>(type: "text", nullable: false),
                    NameZh = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Industries", x => x.Code);
                });

            migrationBuilder.CreateTable(
                name: "JobWatermarks",
                columns: table => new
                {
                    Job = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Through = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_JobWatermarks", x => x.Job);
                });

            migrationBuilder.CreateTable(
                name: "Models",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Code = table.Column<string>(type: "text", nullable: false),
                    Name = table.Column<string>(type: "text", nullable: false),
                    Vendor = table.Column<string>(type: "text", nullable: false),
                    Family = table.Column<string>(type: "text", nullable: false),
                    Modality = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    ContextWindow = table.Column<int>(type: "integer", nullable: false),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    InputCostPerMTok = table.Column<long>(type: "bigint", nullable: false),
                    OutputCostPerMTok = table.Column<long>(type: "bigint", nullable: false),
                    ListPriceInputPerMTok = table.Column<long>(type: "bigint", nullable: false),
                    ListPriceOutputPerMTok = table.Column<long>(type: "bigint", nullable: false),
                    Version = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Models", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "OrderRequests",
                columns: table => new
                {
                    ClientRequestId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    RequestHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    StatusCode = table.Column<int>(type: "integer", nullable: false),
                    Response = table.Column<string>(type: "text", nullable: false),
                    ReceivedAt = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_OrderRequests", x => x.ClientRequestId);
                });

            migrationBuilder.CreateTable(
                name: "Outbox",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    IdempotencyKey = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Payload = table.Column<string>(type: "text", nullable: false),
                    CreatedAt = table.Column<long>(type: "bigint", nullable: false),
                    Attempts = table.Column<int>(type: "integer", nullable: false),
                    NextAttemptAt = table.Column<long>(type: "bigint", nullable: false),
                    DeliveredAt = table.Column<long>(type: "bigint", nullable: true),
                    LastError = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Outbox", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "PackageModelDaily",
                columns: table => new
                {
                    Day = table.Column<long>(type: "bigint", nullable: false),
                    PackageId = table.Column<int>(type: "integer", nullable: false),
                    ModelId = table.Column<int>(type: "integer", nullable: false),
                    Tokens = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Calls = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    RevenueMicros = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    ComputeCostMicros = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    FeeMicros = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    TopUpMicros = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    CreditMicros = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PackageModelDaily", x => new { x.Day, x.PackageId, x.ModelId });
                });

            migrationBuilder.CreateTable(
                name: "PriceChanges",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Title = table.Column<string>(type: "text", nullable: false),
                    Description = table.Column<string>(type: "text", nullable: false),
                    Status = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false),
                    Audience = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false),
                    ChangeJson = table.Column<string>(type: "text", nullable: false),
                    SimulationJson = table.Column<string>(type: "text", nullable: true),
                    EffectiveAt = table.Column<long>(type: "bigint", nullable: false),
                    ProposedBy = table.Column<string>(type: "text", nullable: false),
                    ProposedById = table.Column<string>(type: "text", nullable: true),
                    ProposedAt = table.Column<long>(type: "bigint", nullable: false),
                    DecidedBy = table.Column<string>(type: "text", nullable: true),
                    DecidedById = table.Column<string>(type: "text", nullable: true),
                    DecidedAt = table.Column<long>(type: "bigint", nullable: true),
                    RejectionReason = table.Column<string>(type: "text", nullable: true),
                    DecisionComment = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    ResultingRuleSetVersionId = table.Column<int>(type: "integer", nullable: true),
                    SubmittedAt = table.Column<long>(type: "bigint", nullable: true),
                    RolledBackBy = table.Column<string>(type: "text", nullable: true),
                    RolledBackById = table.Column<string>(type: "text", nullable: true),
                    RollbackReason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    RolledBackAt = table.Column<long>(type: "bigint", nullable: true),
                    Version = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PriceChanges", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "PriceRuleSetVersions",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Number = table.Column<int>(type: "integer", nullable: false),
                    WorkflowJson = table.Column<string>(type: "text", nullable: false),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    CreatedAt = table.Column<long>(type: "bigint", nullable: false),
                    CreatedBy = table.Column<string>(type: "text", nullable: false),
                    ActivatedAt = table.Column<long>(type: "bigint", nullable: true),
                    PriceChangeId = table.Column<int>(type: "integer", nullable: true),
                    PreviousVersionId = table.Column<int>(type: "integer", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PriceRuleSetVersions", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "RegionIndustryDaily",
                columns: table => new
                {
                    Day = table.Column<long>(type: "bigint", nullable: false),
                    RegionCode = table.Column<string>(type: "text", nullable: false),
                    IndustryCode = table.Column<string>(type: "text", nullable: false),
                    Tokens = table.Column<long>(type: "bigint", nullable: false),
                    Calls = table.Column<long>(type: "bigint", nullable: false),
                    RevenueMicros = table.Column<long>(type: "bigint", nullable: false),
                    ComputeCostMicros = table.Column<long>(type: "bigint", nullable: false),
                    FeeMicros = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    TopUpMicros = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    CreditMicros = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RegionIndustryDaily", x => new { x.Day, x.RegionCode, x.IndustryCode });
                });

            migrationBuilder.CreateTable(
                name: "RegionIndustryHourly",
                columns: table => new
                {
                    Hour = table.Column<long>(type: "bigint", nullable: false),
                    RegionCode = table.Column<string>(type: "text", nullable: false),
                    IndustryCode = table.Column<string>(type: "text", nullable: false),
                    Tokens = table.Column<long>(type: "bigint", nullable: false),
                    Calls = table.Column<long>(type: "bigint", nullable: false),
                    RevenueMicros = table.Column<long>(type: "bigint", nullable: false),
                    ComputeCostMicros = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RegionIndustryHourly", x => new { x.Hour, x.RegionCode, x.IndustryCode });
                });

            migrationBuilder.CreateTable(
                name: "RegionIndustryMonthly",
                columns: table => new
                {
                    Month = table.Column<long>(type: "bigint", nullable: false),
                    RegionCode = table.Column<string>(type: "text", nullable: false),
                    IndustryCode = table.Column<string>(type: "text", nullable: false),
                    Tokens = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Calls = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    RevenueMicros = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    ComputeCostMicros = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    FeeMicros = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    TopUpMicros = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    CreditMicros = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RegionIndustryMonthly", x => new { x.Month, x.RegionCode, x.IndustryCode });
                });

            migrationBuilder.CreateTable(
                name: "Regions",
                columns: table => new
                {
                    Code = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    NameEn = table.Column<string>(type: "text", nullable: false),
                    NameZh = table.Column<string>(type: "text", nullable: false),
                    MacroRegion = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    EconomicWeight = table.Column<double>(type: "double precision", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Regions", x => x.Code);
                });

            migrationBuilder.CreateTable(
                name: "RevenueDaily",
                columns: table => new
                {
                    Day = table.Column<long>(type: "bigint", nullable: false),
                    CustomerId = table.Column<int>(type: "integer", nullable: false),
                    PackageId = table.Column<int>(type: "integer", nullable: false),
                    RegionCode = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    IndustryCode = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    FeeMicros = table.Column<long>(type: "bigint", nullable: false),
                    TopUpMicros = table.Column<long>(type: "bigint", nullable: false),
                    CreditMicros = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RevenueDaily", x => new { x.Day, x.CustomerId, x.PackageId });
                });

            migrationBuilder.CreateTable(
                name: "UsageRollups",
                columns: table => new
                {
                    Hour = table.Column<long>(type: "bigint", nullable: false),
                    RegionCode = table.Column<string>(type: "text", nullable: false),
                    IndustryCode = table.Column<string>(type: "text", nullable: false),
                    ModelId = table.Column<int>(type: "integer", nullable: false),
                    PackageId = table.Column<int>(type: "integer", nullable: false),
                    PoolId = table.Column<int>(type: "integer", nullable: false),
                    InputTokens = table.Column<long>(type: "bigint", nullable: false),
                    OutputTokens = table.Column<long>(type: "bigint", nullable: false),
                    Calls = table.Column<long>(type: "bigint", nullable: false),
                    RevenueMicros = table.Column<long>(type: "bigint", nullable: false),
                    ComputeCostMicros = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_UsageRollups", x => new { x.Hour, x.RegionCode, x.IndustryCode, x.ModelId, x.PackageId, x.PoolId });
                });

            migrationBuilder.CreateTable(
                name: "AspNetRoleClaims",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    RoleId = table.Column<string>(type: "text", nullable: false),
                    ClaimType = table.Column<string>(type: "text", nullable: true),
                    ClaimValue = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AspNetRoleClaims", x => x.Id);
                    table.ForeignKey(
                        name: "FK_AspNetRoleClaims_AspNetRoles_RoleId",
                        column: x => x.RoleId,
                        principalTable: "AspNetRoles",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "AspNetUserClaims",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    UserId = table.Column<string>(type: "text", nullable: false),
                    ClaimType = table.Column<string>(type: "text", nullable: true),
                    ClaimValue = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AspNetUserClaims", x => x.Id);
                    table.ForeignKey(
                        name: "FK_AspNetUserClaims_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "AspNetUserLogins",
                columns: table => new
                {
                    LoginProvider = table.Column<string>(type: "text", nullable: false),
                    ProviderKey = table.Column<string>(type: "text", nullable: false),
                    ProviderDisplayName = table.Column<string>(type: "text", nullable: true),
                    UserId = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AspNetUserLogins", x => new { x.LoginProvider, x.ProviderKey });
                    table.ForeignKey(
                        name: "FK_AspNetUserLogins_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "AspNetUserRoles",
                columns: table => new
                {
                    UserId = table.Column<string>(type: "text", nullable: false),
                    RoleId = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AspNetUserRoles", x => new { x.UserId, x.RoleId });
                    table.ForeignKey(
                        name: "FK_AspNetUserRoles_AspNetRoles_RoleId",
                        column: x => x.RoleId,
                        principalTable: "AspNetRoles",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_AspNetUserRoles_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "AspNetUserTokens",
                columns: table => new
                {
                    UserId = table.Column<string>(type: "text", nullable: false),
                    LoginProvider = table.Column<string>(type: "text", nullable: false),
                    Name = table.Column<string>(type: "text", nullable: false),
                    Value = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AspNetUserTokens", x => new { x.UserId, x.LoginProvider, x.Name });
                    table.ForeignKey(
                        name: "FK_AspNetUserTokens_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "Customers",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Code = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    NameZh = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Segment = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false),
                    IndustryCode = table.Column<string>(type: "character varying(32)", nullable: false),
                    RegionCode = table.Column<string>(type: "character varying(8)", nullable: false),
                    CreatedAt = table.Column<long>(type: "bigint", nullable: false),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    AccountManagerId = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: true),
                    Version = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Customers", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Customers_Industries_IndustryCode",
                        column: x => x.IndustryCode,
                        principalTable: "Industries",
                        principalColumn: "Code",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_Customers_Regions_RegionCode",
                        column: x => x.RegionCode,
                        principalTable: "Regions",
                        principalColumn: "Code",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "Pools",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Code = table.Column<string>(type: "text", nullable: false),
                    Name = table.Column<string>(type: "text", nullable: false),
                    NameZh = table.Column<string>(type: "text", nullable: false),
                    RegionCode = table.Column<string>(type: "character varying(8)", nullable: false),
                    Tier = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    AcceleratorKind = table.Column<string>(type: "text", nullable: false),
                    AcceleratorCount = table.Column<int>(type: "integer", nullable: false),
                    CapacityTokensPerSecond = table.Column<long>(type: "bigint", nullable: false),
                    CostPerHour = table.Column<long>(type: "bigint", nullable: false),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Version = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Pools", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Pools_Regions_RegionCode",
                        column: x => x.RegionCode,
                        principalTable: "Regions",
                        principalColumn: "Code",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "Bills",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    BillNo = table.Column<string>(type: "character varying(48)", maxLength: 48, nullable: false),
                    CustomerId = table.Column<int>(type: "integer", nullable: false),
                    Period = table.Column<int>(type: "integer", nullable: false),
                    IssuedAt = table.Column<long>(type: "bigint", nullable: false),
                    NetFen = table.Column<long>(type: "bigint", nullable: false),
                    TaxFen = table.Column<long>(type: "bigint", nullable: false),
                    TotalFen = table.Column<long>(type: "bigint", nullable: false),
                    VatRate = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Bills", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Bills_Customers_CustomerId",
                        column: x => x.CustomerId,
                        principalTable: "Customers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "Deployments",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ModelId = table.Column<int>(type: "integer", nullable: false),
                    PoolId = table.Column<int>(type: "integer", nullable: false),
                    AllocatedTokensPerSecond = table.Column<long>(type: "bigint", nullable: false),
                    RoutingWeight = table.Column<int>(type: "integer", nullable: false),
                    Role = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    ResidencyRegions = table.Column<string>(type: "text", nullable: true),
                    Version = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Deployments", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Deployments_Models_ModelId",
                        column: x => x.ModelId,
                        principalTable: "Models",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_Deployments_Pools_PoolId",
                        column: x => x.PoolId,
                        principalTable: "Pools",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "BillLines",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    BillId = table.Column<long>(type: "bigint", nullable: false),
                    Number = table.Column<int>(type: "integer", nullable: false),
                    Kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    PackageId = table.Column<int>(type: "integer", nullable: true),
                    ModelId = table.Column<int>(type: "integer", nullable: true),
                    CreditNoteId = table.Column<long>(type: "bigint", nullable: true),
                    UsageMonth = table.Column<int>(type: "integer", nullable: true),
                    Quantity = table.Column<long>(type: "bigint", nullable: false),
                    UnitPrice = table.Column<long>(type: "bigint", nullable: false),
                    AmountMicros = table.Column<long>(type: "bigint", nullable: false),
                    AmountFen = table.Column<long>(type: "bigint", nullable: false),
                    RulesEffectMicros = table.Column<long>(type: "bigint", nullable: false),
                    Detail = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_BillLines", x => x.Id);
                    table.ForeignKey(
                        name: "FK_BillLines_Bills_BillId",
                        column: x => x.BillId,
                        principalTable: "Bills",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "CreditNotes",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    CustomerId = table.Column<int>(type: "integer", nullable: false),
                    BillId = table.Column<long>(type: "bigint", nullable: false),
                    AmountFen = table.Column<long>(type: "bigint", nullable: false),
                    Reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    Status = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false),
                    ProposedById = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: false),
                    ProposedByName = table.Column<string>(type: "text", nullable: false),
                    ProposedAt = table.Column<long>(type: "bigint", nullable: false),
                    DecidedById = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: true),
                    DecidedByName = table.Column<string>(type: "text", nullable: true),
                    DecidedAt = table.Column<long>(type: "bigint", nullable: true),
                    DecisionComment = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    AppliedOnBillId = table.Column<long>(type: "bigint", nullable: true),
                    Version = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CreditNotes", x => x.Id);
                    table.ForeignKey(
                        name: "FK_CreditNotes_Bills_BillId",
                        column: x => x.BillId,
                        principalTable: "Bills",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "BillLineRuleEffects",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    BillLineId = table.Column<long>(type: "bigint", nullable: false),
                    RuleSetVersion = table.Column<int>(type: "integer", nullable: false),
                    RuleOrdinal = table.Column<int>(type: "integer", nullable: false),
                    RuleName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    EffectMicros = table.Column<long>(type: "bigint", nullable: false),
                    EffectFen = table.Column<long>(type: "bigint", nullable: false),
                    Tokens = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_BillLineRuleEffects", x => x.Id);
                    table.ForeignKey(
                        name: "FK_BillLineRuleEffects_BillLines_BillLineId",
                        column: x => x.BillLineId,
                        principalTable: "BillLines",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "AllowanceBuckets",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    SubscriptionId = table.Column<int>(type: "integer", nullable: false),
                    CustomerId = table.Column<int>(type: "integer", nullable: false),
                    Kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    PeriodStart = table.Column<long>(type: "bigint", nullable: false),
                    ValidFrom = table.Column<long>(type: "bigint", nullable: false),
                    ValidTo = table.Column<long>(type: "bigint", nullable: false),
                    Included = table.Column<long>(type: "bigint", nullable: false),
                    Used = table.Column<long>(type: "bigint", nullable: false),
                    TopUpPackageId = table.Column<int>(type: "integer", nullable: true),
                    TopUpPackageVersionId = table.Column<int>(type: "integer", nullable: true),
                    PriceFen = table.Column<long>(type: "bigint", nullable: true),
                    SoldById = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AllowanceBuckets", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ModelEntitlement",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    PackageVersionId = table.Column<int>(type: "integer", nullable: false),
                    ModelId = table.Column<int>(type: "integer", nullable: false),
                    Multiplier = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ModelEntitlement", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ModelEntitlement_Models_ModelId",
                        column: x => x.ModelId,
                        principalTable: "Models",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "Packages",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Code = table.Column<string>(type: "character varying(48)", maxLength: 48, nullable: false),
                    Segment = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false),
                    Kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    ActiveVersionId = table.Column<int>(type: "integer", nullable: true),
                    CreatedBy = table.Column<string>(type: "text", nullable: false),
                    CreatedById = table.Column<string>(type: "text", nullable: true),
                    CreatedAt = table.Column<long>(type: "bigint", nullable: false),
                    Version = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Packages", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "PackageVersions",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    PackageId = table.Column<int>(type: "integer", nullable: false),
                    Number = table.Column<int>(type: "integer", nullable: false),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    NameEn = table.Column<string>(type: "text", nullable: false),
                    NameZh = table.Column<string>(type: "text", nullable: false),
                    Description = table.Column<string>(type: "text", nullable: false),
                    Tags = table.Column<string>(type: "text", nullable: false),
                    BillingPeriod = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    ValidityDays = table.Column<int>(type: "integer", nullable: false),
                    PriceCny = table.Column<long>(type: "bigint", nullable: false),
                    IncludedTokens = table.Column<long>(type: "bigint", nullable: false),
                    OveragePricePerMTok = table.Column<long>(type: "bigint", nullable: false),
                    RolloverPercent = table.Column<int>(type: "integer", nullable: false),
                    WhenExhausted = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    TierModel = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    ConcurrencyLimit = table.Column<int>(type: "integer", nullable: false),
                    TokensPerMinuteLimit = table.Column<long>(type: "bigint", nullable: false),
                    SlaPercent = table.Column<long>(type: "bigint", nullable: false),
                    EffectiveFrom = table.Column<long>(type: "bigint", nullable: true),
                    EffectiveTo = table.Column<long>(type: "bigint", nullable: true),
                    PublishedBy = table.Column<string>(type: "text", nullable: true),
                    PublishedAt = table.Column<long>(type: "bigint", nullable: true),
                    CreatedBy = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    CreatedById = table.Column<string>(type: "text", nullable: true),
                    CreatedAt = table.Column<long>(type: "bigint", nullable: false),
                    SubmittedBy = table.Column<string>(type: "text", nullable: true),
                    SubmittedById = table.Column<string>(type: "text", nullable: true),
                    SubmittedAt = table.Column<long>(type: "bigint", nullable: true),
                    Version = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PackageVersions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_PackageVersions_Packages_PackageId",
                        column: x => x.PackageId,
                        principalTable: "Packages",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "Subscriptions",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    CustomerId = table.Column<int>(type: "integer", nullable: false),
                    PackageId = table.Column<int>(type: "integer", nullable: false),
                    PackageVersionId = table.Column<int>(type: "integer", nullable: false),
                    StartsAt = table.Column<long>(type: "bigint", nullable: false),
                    EndsAt = table.Column<long>(type: "bigint", nullable: true),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    SuspendedAt = table.Column<long>(type: "bigint", nullable: true),
                    Version = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Subscriptions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Subscriptions_Customers_CustomerId",
                        column: x => x.CustomerId,
                        principalTable: "Customers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_Subscriptions_PackageVersions_PackageVersionId",
                        column: x => x.PackageVersionId,
                        principalTable: "PackageVersions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_Subscriptions_Packages_PackageId",
                        column: x => x.PackageId,
                        principalTable: "Packages",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "VolumeTier",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    PackageVersionId = table.Column<int>(type: "integer", nullable: false),
                    FromTokens = table.Column<long>(type: "bigint", nullable: false),
                    PricePerMTok = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_VolumeTier", x => x.Id);
                    table.ForeignKey(
                        name: "FK_VolumeTier_PackageVersions_PackageVersionId",
                        column: x => x.PackageVersionId,
                        principalTable: "PackageVersions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "SubscriptionTerms",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    SubscriptionId = table.Column<int>(type: "integer", nullable: false),
                    PackageVersionId = table.Column<int>(type: "integer", nullable: false),
                    From = table.Column<long>(type: "bigint", nullable: false),
                    To = table.Column<long>(type: "bigint", nullable: true),
                    Anchor = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SubscriptionTerms", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SubscriptionTerms_PackageVersions_PackageVersionId",
                        column: x => x.PackageVersionId,
                        principalTable: "PackageVersions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_SubscriptionTerms_Subscriptions_SubscriptionId",
                        column: x => x.SubscriptionId,
                        principalTable: "Subscriptions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_AllowanceBuckets_CustomerId_ValidTo",
                table: "AllowanceBuckets",
                columns: new[] { "CustomerId", "ValidTo" });

            migrationBuilder.CreateIndex(
                name: "IX_AllowanceBuckets_SubscriptionId_Kind_PeriodStart",
                table: "AllowanceBuckets",
                columns: new[] { "SubscriptionId", "Kind", "PeriodStart" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ApiKeys_KeyHash",
                table: "ApiKeys",
                column: "KeyHash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_AspNetRoleClaims_RoleId",
                table: "AspNetRoleClaims",
                column: "RoleId");

            migrationBuilder.CreateIndex(
                name: "RoleNameIndex",
                table: "AspNetRoles",
                column: "NormalizedName",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_AspNetUserClaims_UserId",
                table: "AspNetUserClaims",
                column: "UserId");

            migrationBuilder.CreateIndex(
                name: "IX_AspNetUserLogins_UserId",
                table: "AspNetUserLogins",
                column: "UserId");

            migrationBuilder.CreateIndex(
                name: "IX_AspNetUserRoles_RoleId",
                table: "AspNetUserRoles",
                column: "RoleId");

            migrationBuilder.CreateIndex(
                name: "EmailIndex",
                table: "AspNetUsers",
                column: "NormalizedEmail");

            migrationBuilder.CreateIndex(
                name: "UserNameIndex",
                table: "AspNetUsers",
                column: "NormalizedUserName",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_ActorId",
                table: "AuditEntries",
                column: "ActorId");

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_At",
                table: "AuditEntries",
                column: "At");

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_EntityType_EntityId",
                table: "AuditEntries",
                columns: new[] { "EntityType", "EntityId" });

            migrationBuilder.CreateIndex(
                name: "IX_BillLineRuleEffects_BillLineId",
                table: "BillLineRuleEffects",
                column: "BillLineId");

            migrationBuilder.CreateIndex(
                name: "IX_BillLines_BillId_Number",
                table: "BillLines",
                columns: new[] { "BillId", "Number" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_BillRuns_Period",
                table: "BillRuns",
                column: "Period");

            migrationBuilder.CreateIndex(
                name: "IX_Bills_BillNo",
                table: "Bills",
                column: "BillNo",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Bills_CustomerId_Period",
                table: "Bills",
                columns: new[] { "CustomerId", "Period" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Bills_Period",
                table: "Bills",
                column: "Period");

            migrationBuilder.CreateIndex(
                name: "IX_CreditNotes_BillId",
                table: "CreditNotes",
                column: "BillId");

            migrationBuilder.CreateIndex(
                name: "IX_CreditNotes_CustomerId_Status",
                table: "CreditNotes",
                columns: new[] { "CustomerId", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_CreditNotes_Status",
                table: "CreditNotes",
                column: "Status");

            migrationBuilder.CreateIndex(
                name: "IX_CustomerDailyUsage_CustomerId_Day",
                table: "CustomerDailyUsage",
                columns: new[] { "CustomerId", "Day" });

            migrationBuilder.CreateIndex(
                name: "IX_CustomerNotifications_CustomerId_CreatedAt",
                table: "CustomerNotifications",
                columns: new[] { "CustomerId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_CustomerNotifications_SubscriptionId_PeriodStart_Threshold",
                table: "CustomerNotifications",
                columns: new[] { "SubscriptionId", "PeriodStart", "Threshold" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Customers_AccountManagerId",
                table: "Customers",
                column: "AccountManagerId");

            migrationBuilder.CreateIndex(
                name: "IX_Customers_Code",
                table: "Customers",
                column: "Code",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Customers_IndustryCode",
                table: "Customers",
                column: "IndustryCode");

            migrationBuilder.CreateIndex(
                name: "IX_Customers_RegionCode",
                table: "Customers",
                column: "RegionCode");

            migrationBuilder.CreateIndex(
                name: "IX_Deployments_ModelId_PoolId",
                table: "Deployments",
                columns: new[] { "ModelId", "PoolId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Deployments_PoolId",
                table: "Deployments",
                column: "PoolId");

            migrationBuilder.CreateIndex(
                name: "IX_ModelEntitlement_ModelId",
                table: "ModelEntitlement",
                column: "ModelId");

            migrationBuilder.CreateIndex(
                name: "IX_ModelEntitlement_PackageVersionId_ModelId",
                table: "ModelEntitlement",
                columns: new[] { "PackageVersionId", "ModelId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Models_Code",
                table: "Models",
                column: "Code",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Outbox_DeliveredAt_NextAttemptAt",
                table: "Outbox",
                columns: new[] { "DeliveredAt", "NextAttemptAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Outbox_IdempotencyKey",
                table: "Outbox",
                column: "IdempotencyKey",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Packages_ActiveVersionId",
                table: "Packages",
                column: "ActiveVersionId");

            migrationBuilder.CreateIndex(
                name: "IX_Packages_Code",
                table: "Packages",
                column: "Code",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_PackageVersions_PackageId_Number",
                table: "PackageVersions",
                columns: new[] { "PackageId", "Number" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_PackageVersions_Status_EffectiveFrom",
                table: "PackageVersions",
                columns: new[] { "Status", "EffectiveFrom" });

            migrationBuilder.CreateIndex(
                name: "IX_Pools_Code",
                table: "Pools",
                column: "Code",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Pools_RegionCode",
                table: "Pools",
                column: "RegionCode");

            migrationBuilder.CreateIndex(
                name: "IX_PriceRuleSetVersions_Number",
                table: "PriceRuleSetVersions",
                column: "Number",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_RevenueDaily_CustomerId_Day",
                table: "RevenueDaily",
                columns: new[] { "CustomerId", "Day" });

            migrationBuilder.CreateIndex(
                name: "IX_Subscriptions_CustomerId",
                table: "Subscriptions",
                column: "CustomerId");

            migrationBuilder.CreateIndex(
                name: "IX_Subscriptions_PackageId_Status",
                table: "Subscriptions",
                columns: new[] { "PackageId", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_Subscriptions_PackageVersionId",
                table: "Subscriptions",
                column: "PackageVersionId");

            migrationBuilder.CreateIndex(
                name: "IX_SubscriptionTerms_PackageVersionId",
                table: "SubscriptionTerms",
                column: "PackageVersionId");

            migrationBuilder.CreateIndex(
                name: "IX_SubscriptionTerms_SubscriptionId_From",
                table: "SubscriptionTerms",
                columns: new[] { "SubscriptionId", "From" });

            migrationBuilder.CreateIndex(
                name: "IX_UsageRollups_RegionCode_IndustryCode_Hour",
                table: "UsageRollups",
                columns: new[] { "RegionCode", "IndustryCode", "Hour" });

            migrationBuilder.CreateIndex(
                name: "IX_VolumeTier_PackageVersionId",
                table: "VolumeTier",
                column: "PackageVersionId");

            migrationBuilder.AddForeignKey(
                name: "FK_AllowanceBuckets_Subscriptions_SubscriptionId",
                table: "AllowanceBuckets",
                column: "SubscriptionId",
                principalTable: "Subscriptions",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "FK_ModelEntitlement_PackageVersions_PackageVersionId",
                table: "ModelEntitlement",
                column: "PackageVersionId",
                principalTable: "PackageVersions",
                principalColumn: "Id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "FK_Packages_PackageVersions_ActiveVersionId",
                table: "Packages",
                column: "ActiveVersionId",
                principalTable: "PackageVersions",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);

            // Raw usage events (not in the EF model, which reads them as a view): partitioned by the event's UTC hour in
            // ranges of one day, one partition per day made by the usage writer before it writes into it and dropped whole
            // by retention. The unique key is the idempotency check: the same id in the same UTC hour is the same event
            // (PostgresUsageEventTables gives the argument); it includes the partition key, as PostgreSQL requires.
            migrationBuilder.Sql("""
                CREATE TABLE "UsageEvents" (
                    "Hour" bigint NOT NULL, "EventId" varchar(128) NOT NULL, "Timestamp" bigint NOT NULL,
                    "CustomerId" integer NOT NULL, "PackageId" integer NOT NULL, "ModelId" integer NOT NULL, "PoolId" integer NOT NULL,
                    "RegionCode" text NOT NULL, "IndustryCode" text NOT NULL, "InputTokens" bigint NOT NULL, "OutputTokens" bigint NOT NULL,
                    "RevenueMicros" bigint NOT NULL, "ComputeCostMicros" bigint NOT NULL, "IngestedAt" bigint NOT NULL,
                    CONSTRAINT "PK_UsageEvents" PRIMARY KEY ("Hour", "EventId")
                ) PARTITION BY RANGE ("Hour");
                """);

            // The rollup tables and the buckets are updated in place all day (sums added to the same keys): room left on each
            // page lets PostgreSQL keep the new version of a row on its page without a new index entry (a HOT update).
            foreach (var table in new[] { "UsageRollups", "RegionIndustryDaily", "RegionIndustryHourly", "RegionIndustryMonthly", "PackageModelDaily",
                "CustomerDailyUsage", "CustomerMonthly", "CustomerDailyRuleEffect", "AllowanceBuckets" })
            {
                migrationBuilder.Sql($"""ALTER TABLE "{table}" SET (fillfactor = 70);""");
            }

            // The customer search (PostgresCustomerSearch): substring matches from trigram indexes. pg_trgm is a trusted
            // extension (PostgreSQL 13 and later), so the database's owner may create it.
            migrationBuilder.Sql("CREATE EXTENSION IF NOT EXISTS pg_trgm;");
            foreach (var column in new[] { "Code", "Name", "NameZh" })
            {
                migrationBuilder.Sql($"""CREATE INDEX "IX_Customers_{column}_Trigram" ON "Customers" USING gin ("{column}" gin_trgm_ops);""");
            }
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP TABLE IF EXISTS "UsageEvents";""");

            migrationBuilder.DropForeignKey(
                name: "FK_Packages_PackageVersions_ActiveVersionId",
                table: "Packages");

            migrationBuilder.DropTable(
                name: "AllowanceBuckets");

            migrationBuilder.DropTable(
                name: "ApiKeys");

            migrationBuilder.DropTable(
                name: "AspNetRoleClaims");

            migrationBuilder.DropTable(
                name: "AspNetUserClaims");

            migrationBuilder.DropTable(
                name: "AspNetUserLogins");

            migrationBuilder.DropTable(
                name: "AspNetUserRoles");

            migrationBuilder.DropTable(
                name: "AspNetUserTokens");

            migrationBuilder.DropTable(
                name: "AuditEntries");

            migrationBuilder.DropTable(
                name: "BillLineRuleEffects");

            migrationBuilder.DropTable(
                name: "BillRuns");

            migrationBuilder.DropTable(
                name: "CreditNotes");

            migrationBuilder.DropTable(
                name: "CustomerDailyRuleEffect");

            migrationBuilder.DropTable(
                name: "CustomerDailyUsage");

            migrationBuilder.DropTable(
                name: "CustomerMonthly");

            migrationBuilder.DropTable(
                name: "CustomerNotifications");

            migrationBuilder.DropTable(
                name: "Deployments");

            migrationBuilder.DropTable(
                name: "JobWatermarks");

            migrationBuilder.DropTable(
                name: "ModelEntitlement");

            migrationBuilder.DropTable(
                name: "OrderRequests");

            migrationBuilder.DropTable(
                name: "Outbox");

            migrationBuilder.DropTable(
                name: "PackageModelDaily");

            migrationBuilder.DropTable(
                name: "PriceChanges");

            migrationBuilder.DropTable(
                name: "PriceRuleSetVersions");

            migrationBuilder.DropTable(
                name: "RegionIndustryDaily");

            migrationBuilder.DropTable(
                name: "RegionIndustryHourly");

            migrationBuilder.DropTable(
                name: "RegionIndustryMonthly");

            migrationBuilder.DropTable(
                name: "RevenueDaily");

            migrationBuilder.DropTable(
                name: "SubscriptionTerms");

            migrationBuilder.DropTable(
                name: "UsageRollups");

            migrationBuilder.DropTable(
                name: "VolumeTier");

            migrationBuilder.DropTable(
                name: "AspNetRoles");

            migrationBuilder.DropTable(
                name: "AspNetUsers");

            migrationBuilder.DropTable(
                name: "BillLines");

            migrationBuilder.DropTable(
                name: "Pools");

            migrationBuilder.DropTable(
                name: "Models");

            migrationBuilder.DropTable(
                name: "Subscriptions");

            migrationBuilder.DropTable(
                name: "Bills");

            migrationBuilder.DropTable(
                name: "Customers");

            migrationBuilder.DropTable(
                name: "Industries");

            migrationBuilder.DropTable(
                name: "Regions");

            migrationBuilder.DropTable(
                name: "PackageVersions");

            migrationBuilder.DropTable(
                name: "Packages");
        }
    }
}
