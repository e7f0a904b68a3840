using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace MedicalHub.Workflow.Api.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class DecisionSupportRules : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "cds_feedback",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    organization_id = table.Column<Guid>(type: "uuid", nullable: false),
                    service_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    card_uuid = table.Column<Guid>(type: "uuid", nullable: false),
                    outcome = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    accepted_suggestions = table.Column<string[]>(type: "text[]", nullable: false),
                    override_reason_code = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    override_reason_system = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    user_comment = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    outcome_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    actor = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    received_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_cds_feedback", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "decision_rule_failures",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    organization_id = table.Column<Guid>(type: "uuid", nullable: false),
                    rule_key = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    rule_version = table.Column<int>(type: "integer", nullable: false),
                    hook = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    hook_instance = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    reason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    elapsed_milliseconds = table.Column<double>(type: "double precision", nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_decision_rule_failures", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "decision_rules",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    organization_id = table.Column<Guid>(type: "uuid", nullable: false),
                    key = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false),
                    title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    hooks = table.Column<string[]>(type: "text[]", nullable: false),
                    applicability = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    condition = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    card = table.Column<string>(type: "jsonb", nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    from_starter_library = table.Column<bool>(type: "boolean", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_by = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    activated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_decision_rules", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_cds_feedback_organization_id_card_uuid",
                table: "cds_feedback",
                columns: new[] { "organization_id", "card_uuid" });

            migrationBuilder.CreateIndex(
                name: "ix_decision_rule_failures_organization_id_at",
                table: "decision_rule_failures",
                columns: new[] { "organization_id", "at" });

            migrationBuilder.CreateIndex(
                name: "ix_decision_rules_one_active",
                table: "decision_rules",
                columns: new[] { "organization_id", "key" },
                unique: true,
                filter: "status = 'Active'");

            migrationBuilder.CreateIndex(
                name: "ix_decision_rules_organization_id_key_version",
                table: "decision_rules",
                columns: new[] { "organization_id", "key", "version" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "cds_feedback");

            migrationBuilder.DropTable(
                name: "decision_rule_failures");

            migrationBuilder.DropTable(
                name: "decision_rules");
        }
    }
}
