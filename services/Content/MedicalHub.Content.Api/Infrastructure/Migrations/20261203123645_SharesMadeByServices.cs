using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MedicalHub.Content.Api.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class SharesMadeByServices : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<Guid>(
                name: "created_by",
                table: "shares",
                type: "uuid",
                nullable: true,
                oldClrType: typeof(Guid),
                oldType: "uuid");

            migrationBuilder.AddColumn<string>(
                name: "created_by_client",
                table: "shares",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "idempotency_key",
                table: "shares",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "revoked_by_client",
                table: "shares",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_shares_organization_id_idempotency_key",
                table: "shares",
                columns: new[] { "organization_id", "idempotency_key" },
                unique: true,
                filter: "idempotency_key IS NOT NULL");

            migrationBuilder.AddCheckConstraint(
                name: "ck_shares_has_author",
                table: "shares",
                sql: "created_by IS NOT NULL OR created_by_client IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_shares_organization_id_idempotency_key",
                table: "shares");

            migrationBuilder.DropCheckConstraint(
                name: "ck_shares_has_author",
                table: "shares");

            migrationBuilder.DropColumn(
                name: "created_by_client",
                table: "shares");

            migrationBuilder.DropColumn(
                name: "idempotency_key",
                table: "shares");

            migrationBuilder.DropColumn(
                name: "revoked_by_client",
                table: "shares");

            migrationBuilder.AlterColumn<Guid>(
                name: "created_by",
                table: "shares",
                type: "uuid",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"),
                oldClrType: typeof(Guid),
                oldType: "uuid",
                oldNullable: true);
        }
    }
}
