using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MedicalHub.Identity.Api.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class PatientDocumentAndTaskPermissions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
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

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.UpdateData(
                table: "organization_roles",
                keyColumn: "id",
                keyValue: new Guid("0195a000-0000-7000-8000-000000000001"),
                column: "permissions",
                value: new[] { "org:manage", "users:read", "users:manage", "roles:manage", "audit:read", "documents:read", "documents:write", "documents:share", "messages:send", "notifications:manage", "workflows:read", "workflows:manage" });

            migrationBuilder.UpdateData(
                table: "organization_roles",
                keyColumn: "id",
                keyValue: new Guid("0195a000-0000-7000-8000-000000000002"),
                column: "permissions",
                value: new[] { "users:read", "documents:read", "documents:write", "documents:share", "messages:send", "workflows:read", "workflows:manage" });

            migrationBuilder.UpdateData(
                table: "organization_roles",
                keyColumn: "id",
                keyValue: new Guid("0195a000-0000-7000-8000-000000000003"),
                column: "permissions",
                value: new[] { "users:read", "documents:read", "documents:write", "messages:send", "workflows:read" });

            migrationBuilder.UpdateData(
                table: "organization_roles",
                keyColumn: "id",
                keyValue: new Guid("0195a000-0000-7000-8000-000000000004"),
                column: "permissions",
                value: new[] { "users:read", "documents:read", "messages:send" });
        }
    }
}
