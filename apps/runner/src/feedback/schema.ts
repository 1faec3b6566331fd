import { FEEDBACK_BEHAVIOURS, FEEDBACK_COMMENT_MAX_CHARS, FEEDBACK_TAG_MAX_CHARS, FEEDBACK_TAGS_MAX } from "@attune/db";
import { z } from "zod";

/** Body of POST /v1/runs/:runId/feedback. Unknown fields are refused so typos do not vanish silently. */
export const feedbackBodySchema = z.strictObject({
  rating: z.number().int("must be a whole number from 1 to 5").min(1, "must be from 1 to 5").max(5, "must be from 1 to 5"),
  behaviours: z
    .array(z.enum(FEEDBACK_BEHAVIOURS, { message: `must be one of ${FEEDBACK_BEHAVIOURS.join(", ")}` }))
    .max(FEEDBACK_BEHAVIOURS.length * 2)
    .optional(),
  comment: z.string().max(FEEDBACK_COMMENT_MAX_CHARS, `must be at most ${FEEDBACK_COMMENT_MAX_CHARS} characters`).optional(),
  context: z
    .strictObject({
      tags: z
        .array(z.string().trim().min(1, "must not be empty").max(FEEDBACK_TAG_MAX_CHARS, `must be at most ${FEEDBACK_TAG_MAX_CHARS} characters`))
        .max(FEEDBACK_TAGS_MAX, `at most ${FEEDBACK_TAGS_MAX} tags`)
        .optional(),
    })
    .optional(),
});
export type FeedbackBody = z.infer<typeof feedbackBodySchema>;
