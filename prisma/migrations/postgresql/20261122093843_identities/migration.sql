-- CreateTable
CREATE TABLE "User" (
    "sequence" SERIAL NOT NULL,
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL DEFAULT '',
    "email" TEXT,
    "passwordHash" TEXT,
    "status" BOOLEAN NOT NULL DEFAULT true,
    "emailVerification" BOOLEAN NOT NULL DEFAULT false,
    "labels" TEXT NOT NULL DEFAULT '[]',
    "registration" TEXT NOT NULL,
    "passwordUpdate" TEXT,
    "accessedAt" TEXT,
    "createdAt" TEXT NOT NULL,
    "updatedAt" TEXT NOT NULL,

    CONSTRAINT "User_pkey" PRIMARY KEY ("sequence")
);

-- CreateTable
CREATE TABLE "Session" (
    "sequence" SERIAL NOT NULL,
    "id" TEXT NOT NULL,
    "userSequence" INTEGER NOT NULL,
    "secretHash" TEXT NOT NULL,
    "provider" TEXT NOT NULL DEFAULT 'email',
    "ip" TEXT NOT NULL DEFAULT '',
    "userAgent" TEXT NOT NULL DEFAULT '',
    "expire" TEXT NOT NULL,
    "createdAt" TEXT NOT NULL,
    "updatedAt" TEXT NOT NULL,

    CONSTRAINT "Session_pkey" PRIMARY KEY ("sequence")
);

-- CreateTable
CREATE TABLE "Team" (
    "sequence" SERIAL NOT NULL,
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "createdAt" TEXT NOT NULL,
    "updatedAt" TEXT NOT NULL,

    CONSTRAINT "Team_pkey" PRIMARY KEY ("sequence")
);

-- CreateTable
CREATE TABLE "Membership" (
    "sequence" SERIAL NOT NULL,
    "id" TEXT NOT NULL,
    "teamSequence" INTEGER NOT NULL,
    "userSequence" INTEGER NOT NULL,
    "roles" TEXT NOT NULL DEFAULT '[]',
    "invited" TEXT NOT NULL,
    "joined" TEXT,
    "confirm" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TEXT NOT NULL,
    "updatedAt" TEXT NOT NULL,

    CONSTRAINT "Membership_pkey" PRIMARY KEY ("sequence")
);

-- CreateIndex
CREATE UNIQUE INDEX "User_id_key" ON "User"("id");

-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");

-- CreateIndex
CREATE UNIQUE INDEX "Session_id_key" ON "Session"("id");

-- CreateIndex
CREATE UNIQUE INDEX "Session_secretHash_key" ON "Session"("secretHash");

-- CreateIndex
CREATE INDEX "Session_userSequence_idx" ON "Session"("userSequence");

-- CreateIndex
CREATE UNIQUE INDEX "Team_id_key" ON "Team"("id");

-- CreateIndex
CREATE UNIQUE INDEX "Membership_id_key" ON "Membership"("id");

-- CreateIndex
CREATE INDEX "Membership_userSequence_idx" ON "Membership"("userSequence");

-- CreateIndex
CREATE UNIQUE INDEX "Membership_teamSequence_userSequence_key" ON "Membership"("teamSequence", "userSequence");

-- AddForeignKey
ALTER TABLE "Session" ADD CONSTRAINT "Session_userSequence_fkey" FOREIGN KEY ("userSequence") REFERENCES "User"("sequence") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Membership" ADD CONSTRAINT "Membership_teamSequence_fkey" FOREIGN KEY ("teamSequence") REFERENCES "Team"("sequence") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Membership" ADD CONSTRAINT "Membership_userSequence_fkey" FOREIGN KEY ("userSequence") REFERENCES "User"("sequence") ON DELETE CASCADE ON UPDATE CASCADE;
