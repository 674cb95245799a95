-- CreateTable
CREATE TABLE "Bucket" (
    "sequence" SERIAL NOT NULL,
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "fileSecurity" BOOLEAN NOT NULL DEFAULT false,
    "permissions" TEXT NOT NULL DEFAULT '[]',
    "maximumFileSize" INTEGER NOT NULL,
    "allowedFileExtensions" TEXT NOT NULL DEFAULT '[]',
    "compression" TEXT NOT NULL DEFAULT 'none',
    "encryption" BOOLEAN NOT NULL DEFAULT false,
    "antivirus" BOOLEAN NOT NULL DEFAULT false,
    "transformations" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TEXT NOT NULL,
    "updatedAt" TEXT NOT NULL,

    CONSTRAINT "Bucket_pkey" PRIMARY KEY ("sequence")
);

-- CreateTable
CREATE TABLE "File" (
    "sequence" SERIAL NOT NULL,
    "id" TEXT NOT NULL,
    "bucketSequence" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "storagePath" TEXT NOT NULL,
    "permissions" TEXT NOT NULL DEFAULT '[]',
    "signature" TEXT NOT NULL,
    "mimeType" TEXT NOT NULL,
    "sizeOriginal" INTEGER NOT NULL,
    "createdAt" TEXT NOT NULL,
    "updatedAt" TEXT NOT NULL,

    CONSTRAINT "File_pkey" PRIMARY KEY ("sequence")
);

-- CreateTable
CREATE TABLE "FileToken" (
    "sequence" SERIAL NOT NULL,
    "id" TEXT NOT NULL,
    "fileSequence" INTEGER NOT NULL,
    "secret" TEXT NOT NULL,
    "expire" TEXT,
    "accessedAt" TEXT,
    "createdAt" TEXT NOT NULL,
    "updatedAt" TEXT NOT NULL,

    CONSTRAINT "FileToken_pkey" PRIMARY KEY ("sequence")
);

-- CreateTable
CREATE TABLE "FilePermission" (
    "fileSequence" INTEGER NOT NULL,
    "action" TEXT NOT NULL,
    "role" TEXT NOT NULL,

    CONSTRAINT "FilePermission_pkey" PRIMARY KEY ("fileSequence","action","role")
);

-- CreateIndex
CREATE UNIQUE INDEX "Bucket_id_key" ON "Bucket"("id");

-- CreateIndex
CREATE INDEX "Bucket_name_idx" ON "Bucket"("name");

-- CreateIndex
CREATE UNIQUE INDEX "File_storagePath_key" ON "File"("storagePath");

-- CreateIndex
CREATE INDEX "File_bucketSequence_name_idx" ON "File"("bucketSequence", "name");

-- CreateIndex
CREATE UNIQUE INDEX "File_bucketSequence_id_key" ON "File"("bucketSequence", "id");

-- CreateIndex
CREATE UNIQUE INDEX "FileToken_id_key" ON "FileToken"("id");

-- CreateIndex
CREATE INDEX "FileToken_fileSequence_expire_idx" ON "FileToken"("fileSequence", "expire");

-- CreateIndex
CREATE INDEX "FilePermission_action_role_fileSequence_idx" ON "FilePermission"("action", "role", "fileSequence");

-- AddForeignKey
ALTER TABLE "File" ADD CONSTRAINT "File_bucketSequence_fkey" FOREIGN KEY ("bucketSequence") REFERENCES "Bucket"("sequence") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FileToken" ADD CONSTRAINT "FileToken_fileSequence_fkey" FOREIGN KEY ("fileSequence") REFERENCES "File"("sequence") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FilePermission" ADD CONSTRAINT "FilePermission_fileSequence_fkey" FOREIGN KEY ("fileSequence") REFERENCES "File"("sequence") ON DELETE CASCADE ON UPDATE CASCADE;
