package main

import (
	"io"
	"log/slog"
	"strings"
	"testing"
)

// TestJobScheduleOverride: WUSHE_JOB_SCHEDULE (or --job-schedule) replaces
// the specs it names and leaves the others; a wrong one stops the start.
func TestJobScheduleOverride(t *testing.T) {
	env := map[string]string{"WUSHE_JOB_SCHEDULE": "remind_shifts=@every 3s,expire_invitations=@every 5s"}
	getenv := func(k string) string { return env[k] }
	cfg, err := loadConfig("t", nil, getenv, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	js, err := cfg.jobs()
	if err != nil {
		t.Fatal(err)
	}
	specs := map[string]string{}
	for _, j := range js {
		specs[j.Name] = j.Spec
	}
	if specs["remind_shifts"] != "@every 3s" || specs["expire_invitations"] != "@every 5s" || specs["mark_no_shows"] != "*/15 * * * *" {
		t.Fatalf("schedule: %v", specs)
	}
	cfg, err = loadConfig("t", []string{"--job-schedule", "expire_needs=@every 7s"}, getenv, io.Discard)
	if err != nil || cfg.JobSchedule != "expire_needs=@every 7s" {
		t.Fatalf("the flag wins: %q %v", cfg.JobSchedule, err)
	}
	for _, bad := range []string{"remind_shiftz=@every 3s", "remind_shifts=@every never", "remind_shifts=99 * * * *"} {
		env["WUSHE_JOB_SCHEDULE"] = bad
		if _, err := loadConfig("t", nil, getenv, io.Discard); err == nil || !strings.Contains(err.Error(), "WUSHE_JOB_SCHEDULE") {
			t.Errorf("WUSHE_JOB_SCHEDULE=%s: %v", bad, err)
		}
	}
}

// TestSMSNoticeChannelWired: with SMS notice templates configured, every
// provider (the log, Aliyun, a test's) gets an "sms" channel; the provider's
// template capability is part of its type, not a runtime check.
func TestSMSNoticeChannelWired(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	for _, c := range []Config{
		{SMSNoticeTemplates: "shift_reminder_1h=SMS_1"},
		{SMSNoticeTemplates: "shift_reminder_1h=SMS_1", SMSProvider: "aliyun"},
		{SMSNoticeTemplates: "shift_reminder_1h=SMS_1", SMS: &smsOutbox{}},
		{},
	} {
		var names []string
		for _, ch := range c.channels(log) {
			names = append(names, ch.Name())
		}
		want := "log,sms"
		if c.SMSNoticeTemplates == "" {
			want = "log"
		}
		if got := strings.Join(names, ","); got != want {
			t.Errorf("provider %q (injected %v): channels %s, want %s", c.SMSProvider, c.SMS != nil, got, want)
		}
	}
}
