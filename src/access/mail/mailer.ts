/** One plain-text message. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

/** Sends mail (invitations, password resets). Absent when TOLLGATE_SMTP_URL is not set. */
export interface Mailer {
  send(message: MailMessage): Promise<void>;
  close(): Promise<void> | void;
}
