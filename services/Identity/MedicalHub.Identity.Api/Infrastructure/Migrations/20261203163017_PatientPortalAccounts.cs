using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MedicalHub.Identity.Api.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class PatientPortalAccounts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "patient_id",
                table: "memberships",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "patient_id",
                table: "invitations",
                type: "uuid",
                nullable: true);

            migrationBuilder.UpdateData(
                table: "organization_roles",
                keyColumn: "id",
                keyValue: new Guid("0195a000-0000-7000-8000-000000000001"),
                column: "permissions",
                value: new[] { "org:manage", "users:read", "users:manage", "roles:manage", "audit:read", "patients:read", "patients:write", "documents:read", "documents:write", "documents:share", "messages:send", "notifications:manage", "workflows:read", "workflows:manage", "tasks:read", "tasks:write", "patients:invite" });

            migrationBuilder.UpdateData(
                table: "organization_roles",
                keyColumn: "id",
                keyValue: new Guid("0195a000-0000-7000-8000-000000000002"),
                column: "permissions",
                value: new[] { "users:read", "patients:read", "patients:write", "documents:read", "documents:write", "documents:share", "messages:send", "workflows:read", "workflows:manage", "tasks:read", "tasks:write", "patients:invite" });

            migrationBuilder.UpdateData(
                table: "organization_roles",
                keyColumn: "id",
                keyValue: new Guid("0195a000-0000-7000-8000-000000000003"),
                column: "permissions",
                value: new[] { "users:read", "patients:read", "patients:write", "documents:read", "documents:write", "documents:share", "messages:send", "workflows:read", "tasks:read", "tasks:write", "patients:invite" });

            migrationBuilder.UpdateData(
                table: "organization_roles",
                keyColumn: "id",
                keyValue: new Guid("0195a000-0000-7000-8000-000000000004"),
                column: "permissions",
                value: new[] { "users:read", "patients:read", "patients:write", "documents:read", "documents:write", "messages:send", "tasks:read", "tasks:write", "patients:invite" });

            migrationBuilder.InsertData(
                table: "organization_roles",
                columns: new[] { "id", "name", "organization_id", "permissions" },
                values: new object[] { new Guid("0195a000-0000-7000-8000-000000000005"), "Patient", null, new string[0] });

            migrationBuilder.CreateIndex(
                name: "ix_memberships_organization_id_patient_id",
                table: "memberships",
                columns: new[] { "organization_id", "patient_id" },
                unique: true,
                filter: "patient_id IS NOT NULL AND is_active");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_memberships_organization_id_patient_id",
                table: "memberships");

            migrationBuilder.DeleteData(
                table: "organization_roles",
                keyColumn: "id",
                keyValue: new Guid("0195a000-0000-7000-8000-000000000005"));

            migrationBuilder.DropColumn(
                name: "patient_id",
                table: "memberships");

            migrationBuilder.DropColumn(
                name: "patient_id",
                table: "invitations");

            migrationBuilder.UpdateData(
                table: "organization_roles",
                keyColumn: "id",
                keyValue: new Guid("0195a000-0000-7000-8000-000000000001"),
                column: "permissions",
                value: new[] { "org:manage", "users:read", "users:manage", "roles:manage", "audit:read", "patients:read", "patients:write", "documents:read", "documents:write", "documents:share", "messages:send", "notifications:manage", "workflows:read", "workflows:manage", "tasks:read", "tasks:write" });

            migrationBuilder.UpdateData(
                table: "organization_roles",
                keyColumn: "id",
                keyValue: new Guid("0195a000-0000-7000-8000-000000000002"),
                column: "permissions",
                value: new[] { "users:read", "patients:read", "patients:write", "documents:read", "documents:write", "documents:share", "messages:send", "workflows:read", "workflows:manage", "tasks:read", "tasks:write" });

            migrationBuilder.UpdateData(
                table: "organization_roles",
                keyColumn: "id",
                keyValue: new Guid("0195a000-0000-7000-8000-000000000003"),
                column: "permissions",
                value: new[] { "users:read", "patients:read", "patients:write", "documents:read", "documents:write", "documents:share", "messages:send", "workflows:read", "tasks:read", "tasks:write" });

            migrationBuilder.UpdateData(
                table: "organization_roles",
                keyColumn: "id",
                keyValue: new Guid("0195a000-0000-7000-8000-000000000004"),
                column: "permissions",
                value: new[] { "users:read", "patients:read", "patients:write", "documents:read", "documents:write", "messages:send", "tasks:read", "tasks:write" });
        }
    }
}
