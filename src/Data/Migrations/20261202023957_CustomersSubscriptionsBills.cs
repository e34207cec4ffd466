using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TokenConsole.src.Data.Migrations
{
    /// <inheritdoc />
    public partial class CustomersSubscriptionsBills : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "SuspendedAt",
                table: "Subscriptions",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<uint>(
                name: "Version",
                table: "Subscriptions",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0u);

            migrationBuilder.AddColumn<long>(
                name: "CreditMicros",
                table: "RegionIndustryDaily",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "FeeMicros",
                table: "RegionIndustryDaily",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "TopUpMicros",
                table: "RegionIndustryDaily",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<int>(
                name: "RolloverPercent",
                table: "PackageVersions",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "WhenExhausted",
                table: "PackageVersions",
                type: "TEXT",
                maxLength: 16,
                nullable: false,
                defaultValue: "PayAsYouGo");

            migrationBuilder.AddColumn<string>(
                name: "Kind",
                table: "Packages",
                type: "TEXT",
                maxLength: 16,
                nullable: false,
                defaultValue: "Base");

            migrationBuilder.AddColumn<string>(
                name: "AccountManagerId",
                table: "Customers",
                type: "TEXT",
                maxLength: 450,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Status",
                table: "Customers",
                type: "TEXT",
                maxLength: 16,
                nullable: false,
                defaultValue: "Active");

            migrationBuilder.AddColumn<uint>(
                name: "Version",
                table: "Customers",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0u);

            migrationBuilder.AddColumn<long>(
                name: "BaseRevenueMicros",
                table: "CustomerDailyUsage",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "BucketTokens",
                table: "CustomerDailyUsage",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "LeakageTokens",
                table: "CustomerDailyUsage",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "OverageTokens",
                table: "CustomerDailyUsage",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.CreateTable(
                name: "AllowanceBuckets",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    SubscriptionId = table.Column<int>(type: "INTEGER", nullable: false),
                    CustomerId = table.Column<int>(type: "INTEGER", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    PeriodStart = table.Column<long>(type: "INTEGER", nullable: false),
                    ValidFrom = table.Column<long>(type: "INTEGER", nullable: false),
                    ValidTo = table.Column<long>(type: "INTEGER", nullable: false),
                    Included = table.Column<long>(type: "INTEGER", nullable: false),
                    Used = table.Column<long>(type: "INTEGER", nullable: false),
                    TopUpPackageId = table.Column<int>(type: "INTEGER", nullable: true),
                    TopUpPackageVersionId = table.Column<int>(type: "INTEGER", nullable: true),
                    PriceFen = table.Column<long>(type: "INTEGER", nullable: true),
                    SoldById = table.Column<string>(type: "TEXT", maxLength: 450, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AllowanceBuckets", x => x.Id);
                    table.ForeignKey(
                        name: "FK_AllowanceBuckets_Subscriptions_SubscriptionId",
                        column: x => x.SubscriptionId,
                        principalTable: "Subscriptions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "BillRuns",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Period = table.Column<int>(type: "INTEGER", nullable: false),
                    StartedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    FinishedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    StartedById = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    StartedByName = table.Column<string>(type: "TEXT", nullable: false),
                    Customers = table.Column<int>(type: "INTEGER", nullable: false),
                    BillsIssued = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_BillRuns", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Bills",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    BillNo = table.Column<string>(type: "TEXT", maxLength: 48, nullable: false),
                    CustomerId = table.Column<int>(type: "INTEGER", nullable: false),
                    Period = table.Column<int>(type: "INTEGER", nullable: false),
                    IssuedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    NetFen = table.Column<long>(type: "INTEGER", nullable: false),
                    TaxFen = table.Column<long>(type: "INTEGER", nullable: false),
                    TotalFen = table.Column<long>(type: "INTEGER", nullable: false),
                    VatRate = table.Column<long>(type: "INTEGER", nullable: false)
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
                name: "CustomerNotifications",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    CustomerId = table.Column<int>(type: "INTEGER", nullable: false),
                    SubscriptionId = table.Column<int>(type: "INTEGER", nullable: false),
                    PeriodStart = table.Column<long>(type: "INTEGER", nullable: false),
                    Threshold = table.Column<int>(type: "INTEGER", nullable: false),
                    Included = table.Column<long>(type: "INTEGER", nullable: false),
                    Used = table.Column<long>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CustomerNotifications", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "JobWatermarks",
                columns: table => new
                {
                    Job = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Through = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_JobWatermarks", x => x.Job);
                });

            migrationBuilder.CreateTable(
                name: "OrderRequests",
                columns: table => new
                {
                    ClientRequestId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    RequestHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    StatusCode = table.Column<int>(type: "INTEGER", nullable: false),
                    Response = table.Column<string>(type: "TEXT", nullable: false),
                    ReceivedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_OrderRequests", x => x.ClientRequestId);
                });

            migrationBuilder.CreateTable(
                name: "Outbox",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    IdempotencyKey = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Payload = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    NextAttemptAt = table.Column<long>(type: "INTEGER", nullable: false),
                    DeliveredAt = table.Column<long>(type: "INTEGER", nullable: true),
                    LastError = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Outbox", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "RevenueDaily",
                columns: table => new
                {
                    Day = table.Column<long>(type: "INTEGER", nullable: false),
                    CustomerId = table.Column<int>(type: "INTEGER", nullable: false),
                    PackageId = table.Column<int>(type: "INTEGER", nullable: false),
                    RegionCode = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    IndustryCode = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    FeeMicros = table.Column<long>(type: "INTEGER", nullable: false),
                    TopUpMicros = table.Column<long>(type: "INTEGER", nullable: false),
                    CreditMicros = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RevenueDaily", x => new { x.Day, x.CustomerId, x.PackageId });
                });

            migrationBuilder.CreateTable(
                name: "SubscriptionTerms",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    SubscriptionId = table.Column<int>(type: "INTEGER", nullable: false),
                    PackageVersionId = table.Column<int>(type: "INTEGER", nullable: false),
                    From = table.Column<long>(type: "INTEGER", nullable: false),
                    To = table.Column<long>(type: "INTEGER", nullable: true),
                    Anchor = table.Column<long>(type: "INTEGER", nullable: false)
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

            migrationBuilder.CreateTable(
                name: "BillLines",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    BillId = table.Column<long>(type: "INTEGER", nullable: false),
                    Number = table.Column<int>(type: "INTEGER", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    PackageId = table.Column<int>(type: "INTEGER", nullable: true),
                    ModelId = table.Column<int>(type: "INTEGER", nullable: true),
                    CreditNoteId = table.Column<long>(type: "INTEGER", nullable: true),
                    UsageMonth = table.Column<int>(type: "INTEGER", nullable: true),
                    Quantity = table.Column<long>(type: "INTEGER", nullable: false),
                    UnitPrice = table.Column<long>(type: "INTEGER", nullable: false),
                    AmountMicros = table.Column<long>(type: "INTEGER", nullable: false),
                    AmountFen = table.Column<long>(type: "INTEGER", nullable: false),
                    RulesEffectMicros = table.Column<long>(type: "INTEGER", nullable: false),
                    Detail = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true)
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
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    CustomerId = table.Column<int>(type: "INTEGER", nullable: false),
                    BillId = table.Column<long>(type: "INTEGER", nullable: false),
                    AmountFen = table.Column<long>(type: "INTEGER", nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    ProposedById = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    ProposedByName = table.Column<string>(type: "TEXT", nullable: false),
                    ProposedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    DecidedById = table.Column<string>(type: "TEXT", maxLength: 450, nullable: true),
                    DecidedByName = table.Column<string>(type: "TEXT", nullable: true),
                    DecidedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    DecisionComment = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    AppliedOnBillId = table.Column<long>(type: "INTEGER", nullable: true),
                    Version = table.Column<uint>(type: "INTEGER", nullable: false)
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

            migrationBuilder.CreateIndex(
                name: "IX_Customers_AccountManagerId",
                table: "Customers",
                column: "AccountManagerId");

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
                name: "IX_CustomerNotifications_CustomerId_CreatedAt",
                table: "CustomerNotifications",
                columns: new[] { "CustomerId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_CustomerNotifications_SubscriptionId_PeriodStart_Threshold",
                table: "CustomerNotifications",
                columns: new[] { "SubscriptionId", "PeriodStart", "Threshold" },
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
                name: "IX_RevenueDaily_CustomerId_Day",
                table: "RevenueDaily",
                columns: new[] { "CustomerId", "Day" });

            migrationBuilder.CreateIndex(
                name: "IX_SubscriptionTerms_PackageVersionId",
                table: "SubscriptionTerms",
                column: "PackageVersionId");

            migrationBuilder.CreateIndex(
                name: "IX_SubscriptionTerms_SubscriptionId_From",
                table: "SubscriptionTerms",
                columns: new[] { "SubscriptionId", "From" });

            // A database from before this migration: every subscription gets its one term, anchored on the Beijing day
            // it started (ticks: + 8 h, down to the day, − 8 h).
            migrationBuilder.Sql("""
                INSERT INTO SubscriptionTerms (SubscriptionId, PackageVersionId, "From", "To", Anchor)
                SELECT Id, PackageVersionId, StartsAt, EndsAt, ((StartsAt + 288000000000) / 864000000000) * 864000000000 - 288000000000
                FROM Subscriptions
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AllowanceBuckets");

            migrationBuilder.DropTable(
                name: "BillLines");

            migrationBuilder.DropTable(
                name: "BillRuns");

            migrationBuilder.DropTable(
                name: "CreditNotes");

            migrationBuilder.DropTable(
                name: "CustomerNotifications");

            migrationBuilder.DropTable(
                name: "JobWatermarks");

            migrationBuilder.DropTable(
                name: "OrderRequests");

            migrationBuilder.DropTable(
                name: "Outbox");

            migrationBuilder.DropTable(
                name: "RevenueDaily");

            migrationBuilder.DropTable(
                name: "SubscriptionTerms");

            migrationBuilder.DropTable(
                name: "Bills");

            migrationBuilder.DropIndex(
                name: "IX_Customers_AccountManagerId",
                table: "Customers");

            migrationBuilder.DropColumn(
                name: "SuspendedAt",
                table: "Subscriptions");

            migrationBuilder.DropColumn(
                name: "Version",
                table: "Subscriptions");

            migrationBuilder.DropColumn(
                name: "CreditMicros",
                table: "RegionIndustryDaily");

            migrationBuilder.DropColumn(
                name: "FeeMicros",
                table: "RegionIndustryDaily");

            migrationBuilder.DropColumn(
                name: "TopUpMicros",
                table: "RegionIndustryDaily");

            migrationBuilder.DropColumn(
                name: "RolloverPercent",
                table: "PackageVersions");

            migrationBuilder.DropColumn(
                name: "WhenExhausted",
                table: "PackageVersions");

            migrationBuilder.DropColumn(
                name: "Kind",
                table: "Packages");

            migrationBuilder.DropColumn(
                name: "AccountManagerId",
                table: "Customers");

            migrationBuilder.DropColumn(
                name: "Status",
                table: "Customers");

            migrationBuilder.DropColumn(
                name: "Version",
                table: "Customers");

            migrationBuilder.DropColumn(
                name: "BaseRevenueMicros",
                table: "CustomerDailyUsage");

            migrationBuilder.DropColumn(
                name: "BucketTokens",
                table: "CustomerDailyUsage");

            migrationBuilder.DropColumn(
                name: "LeakageTokens",
                table: "CustomerDailyUsage");

            migrationBuilder.DropColumn(
                name: "OverageTokens",
                table: "CustomerDailyUsage");
        }
    }
}
